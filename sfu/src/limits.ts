/**
 * What one participant may hold in a room's media: what a page needs, with room to spare, and no
 * more, so that a hand-made client cannot make the SFU work for the whole room. Each limit counts
 * requests still being carried out, so requests sent all at once cannot pass it together.
 */

/** Transports per direction: one is normal, two covers a restart. */
export const MAX_TRANSPORTS_PER_DIRECTION = 2;

/** Consumers per participant: every microphone, camera and screen of a room of 167. */
export const MAX_CONSUMERS_PER_PEER = 500;

/**
 * The most the SFU sends one receive transport (bps): a shared screen and a large video at their
 * top layers, a grid of small videos and the voices fit; past it the SFU sends lower layers.
 */
export const MAX_OUTGOING_BITRATE = 5_000_000;
