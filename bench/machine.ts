import os from 'node:os';
import { version as mediasoupVersion } from 'mediasoup';

/** What a result was measured on: figures only compare within one machine and one run. */
export function machineInfo() {
  const cpus = os.cpus();
  return {
    cpuModel: cpus[0]?.model ?? 'unknown',
    cores: os.availableParallelism(),
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    platform: `${os.platform()} ${os.release()}`,
    node: process.version,
    mediasoup: mediasoupVersion,
  };
}
