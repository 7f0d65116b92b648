import { Link } from 'react-router';
import { EmptyState } from '../components/EmptyState.tsx';
import { SearchOffIcon } from '../components/Icons.tsx';
import { useDocumentTitle } from '../lib/useDocumentTitle.ts';

export function NotFoundPage() {
  useDocumentTitle('Page not found');
  return (
    <div className="page">
      <EmptyState
        level={1}
        icon={<SearchOffIcon size={44} />}
        title="Page not found"
        actions={
          <Link to="/" className="btn btn-primary btn-lg">
            Back to LIVE
          </Link>
        }
      >
        <p>There's nothing at this address. It may have moved, or never existed.</p>
      </EmptyState>
    </div>
  );
}
