import { readFileSync } from 'node:fs';

/**
 * TLS material handed to mqtt.js (and from there to `tls.connect`) for `mqtts://` and `wss://`
 * brokers.
 */
export interface MqttTls {
  /**
   * Trusted CA certificates (PEM) in place of Node's public roots: a broker behind a private CA.
   */
  readonly ca?: Buffer;
  /** Client certificate and key (PEM), for brokers with `require_certificate true`. */
  readonly cert?: Buffer;
  readonly key?: Buffer;
}

/**
 * Read the PEM files named by MQTT_CA_FILE / MQTT_CERT_FILE / MQTT_KEY_FILE once at start, so a
 * missing file stops the process at once instead of surfacing as an endless reconnect loop. Answers
 * undefined when none is set: mqtts:// then verifies the broker against Node's public CA roots.
 */
export function readMqttTls(files: {
  caFile?: string | undefined;
  certFile?: string | undefined;
  keyFile?: string | undefined;
}): MqttTls | undefined {
  const read = (what: string, file: string | undefined) => {
    if (file === undefined) return undefined;
    try {
      return readFileSync(file);
    } catch (e) {
      throw new Error(`${what} ${file} cannot be read: ${(e as Error).message}`, { cause: e });
    }
  };
  const ca = read('MQTT_CA_FILE', files.caFile);
  const cert = read('MQTT_CERT_FILE', files.certFile);
  const key = read('MQTT_KEY_FILE', files.keyFile);
  if (ca === undefined && cert === undefined && key === undefined) return undefined;
  return { ...(ca && { ca }), ...(cert && { cert }), ...(key && { key }) };
}
