export { MEDIA_CODECS, type MediaConfig } from './config.js';
export type {
  MediaGateway,
  MediaPipes,
  MediaRoomApi,
  MediaRoomEvents,
  PeerMediaOptions,
  PipeEnd,
  PipeOffer,
  ProduceRequest,
} from './MediaGateway.js';
export { MediaRoom } from './MediaRoom.js';
export { MediasoupGateway } from './MediasoupGateway.js';
export { WorkerPool, type WorkerSlot } from './WorkerPool.js';
