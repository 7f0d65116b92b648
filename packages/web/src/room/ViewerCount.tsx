import { EyeIcon } from '../components/Icons.tsx';
import { compactCount } from '../lib/format.ts';
import { useRoomUi } from './RoomContext.tsx';

/** "👁 1.2K" next to the LIVE badge; read out as "1,234 watching". */
export function ViewerCount() {
  const { room } = useRoomUi();
  const viewers = room.state.viewers;
  if (!viewers) return null;
  const n = viewers.current;
  return (
    <span
      className="viewer-count"
      role="img"
      aria-label={`${n.toLocaleString('en-US')} watching`}
      title={`${n.toLocaleString('en-US')} watching · peak ${viewers.peak.toLocaleString('en-US')}`}
      data-testid="viewer-count"
      data-count={n}
    >
      <EyeIcon size={15} />
      {compactCount(n)}
    </span>
  );
}
