// The UDP sink's child process (plain JavaScript, so it runs under any loader): binds N loopback
// sockets, counts packets and bytes, and answers each message from the parent with the totals.
import dgram from 'node:dgram';

const n = Number(process.argv[2]);
let packets = 0;
let bytes = 0;
const sockets = Array.from({ length: n }, () => dgram.createSocket({ type: 'udp4', recvBufferSize: 8 * 1024 * 1024 }));
for (const s of sockets) {
  s.on('message', (msg) => {
    packets++;
    bytes += msg.length;
  });
}
await Promise.all(sockets.map((s) => new Promise((resolve) => s.bind(0, '127.0.0.1', resolve))));
process.send?.({ ports: sockets.map((s) => s.address().port) });
process.on('message', () => {
  const cpu = process.cpuUsage();
  process.send?.({ packets, bytes, cpuMs: (cpu.user + cpu.system) / 1000 });
});
process.on('disconnect', () => process.exit(0));
