import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/** Live figures read at scrape time, so no code has to keep gauges in step. */
export interface MetricSources {
  connections(): number;
  rooms(): number;
  peers(): number;
  mediaReady(): boolean;
  sessionsCached(): number;
}

/** Prometheus metrics of one server; a registry per server so tests can run several in one process. */
export function createMetrics(sources: MetricSources) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const gauge = (name: string, help: string, read: () => number) =>
    new Gauge({
      name,
      help,
      registers: [registry],
      collect() {
        this.set(read());
      },
    });
  gauge('yishi_connections', 'Authenticated Socket.IO connections', sources.connections);
  gauge('yishi_rooms', 'Rooms with at least one connection', sources.rooms);
  gauge('yishi_peers', 'Participants joined to a room', sources.peers);
  gauge(
    'yishi_sessions_cached',
    'Sessions held in memory (the rest are read from the store when needed)',
    sources.sessionsCached,
  );
  gauge('yishi_media_ready', '1 while every mediasoup worker is up', () => (sources.mediaReady() ? 1 : 0));
  return {
    registry,
    requests: new Counter({
      name: 'yishi_requests_total',
      help: 'Socket.IO requests by event and result code',
      labelNames: ['event', 'code'] as const,
      registers: [registry],
    }),
    requestDuration: new Histogram({
      name: 'yishi_request_duration_seconds',
      help: 'Time to answer a Socket.IO request',
      labelNames: ['event'] as const,
      buckets: [0.001, 0.005, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
