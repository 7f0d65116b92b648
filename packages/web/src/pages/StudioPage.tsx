import { Link } from 'react-router';
import { EmptyState } from '../components/EmptyState.tsx';
import { StudioIcon } from '../components/Icons.tsx';
import { useDocumentTitle } from '../lib/useDocumentTitle.ts';

export function StudioPage() {
  useDocumentTitle('Studio');
  return (
    <div className="page">
      <header className="page-header">
        <h1 className="page-title">Studio</h1>
      </header>
      <EmptyState
        icon={<StudioIcon size={44} />}
        title="No LIVE sessions yet"
        actions={
          <Link to="/go-live" className="btn btn-secondary btn-lg">
            Get ready to go LIVE
          </Link>
        }
      >
        <p>Your LIVE sessions and metrics will appear here after your first LIVE.</p>
      </EmptyState>
    </div>
  );
}
