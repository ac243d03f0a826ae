import type { types } from 'mediasoup';

/**
 * Keeps an audio producer in the room's active speaker observer only while it is open (not paused).
 *
 * mediasoup's observer names a lone producer dominant at once, paused or not, and among several
 * keeps the one it named first until another is clearly louder. Watching a gated microphone
 * would announce a silent member as speaking, and hold the large view against the chair, whose
 * voice then had to win it back.
 *
 * Changes run one after another, each reading `producer.paused` when its turn comes (mediasoup
 * emits `pause`/`resume` once the worker has answered), after `ready` (the producer reaching the
 * observer's router). Resolves once the first turn is taken.
 */
export function observeWhileOpen(
  producer: types.Producer,
  observer: types.ActiveSpeakerObserver,
  ready: Promise<unknown>,
  onError: (err: unknown) => void,
): Promise<void> {
  let watched = false;
  let turn: Promise<void> = ready.then(() => undefined);
  const sync = () => {
    turn = turn
      .then(async () => {
        // mediasoup drops a closed producer from its observers itself.
        if (producer.closed || observer.closed) return;
        const open = !producer.paused;
        if (open === watched) return;
        const producerId = producer.id;
        await (open ? observer.addProducer({ producerId }) : observer.removeProducer({ producerId }));
        watched = open;
      })
      .catch(onError);
    return turn;
  };
  producer.observer.on('pause', sync);
  producer.observer.on('resume', sync);
  return sync();
}
