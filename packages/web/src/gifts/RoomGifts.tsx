import { useRoomUi } from '../room/RoomContext.tsx';
import { GiftLayer } from './GiftLayer.tsx';
import { TopGiftersStrip, useTopGifters } from './TopGifters.tsx';

/** Everything gifts add to a LIVE room's stage: the animations and the top gifters strip. */
export function RoomGifts() {
  const { room, info } = useRoomUi();
  const top = useTopGifters(info.creator.handle);
  return (
    <>
      <GiftLayer sessionId={room.sessionId} onGift={top.poke} />
      <div className="room-gifters">
        <TopGiftersStrip list={top.list} />
      </div>
    </>
  );
}
