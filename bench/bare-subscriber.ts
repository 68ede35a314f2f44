// The baseline of bench:ingest: a subscriber that does nothing but count, with the same session
// settings as wattledger's ingest (persistent session, QoS 1, one PUBACK per message).
import mqtt from 'mqtt';

const [url, countText] = process.argv.slice(2);
const expected = Number(countText);
const client = mqtt.connect(url ?? 'mqtt://127.0.0.1:1883', {
  clientId: `bare-${process.pid}`,
  clean: false,
  protocolVersion: 4,
});
let received = 0;
client.on('connect', () => {
  client.subscribe('meters/+/readings', { qos: 1 }, () => process.stdout.write('ready\n'));
});
client.on('message', () => {
  received += 1;
  if (received === expected) {
    process.stdout.write(`done ${received}\n`);
    void client.endAsync().then(() => process.exit(0));
  }
});
