import { strToU8, zipSync } from 'fflate';
import { CSV_HEADER } from './consumption-csv.js';
import { collectExport, type ExportData, type ExportDeps } from './export-data.js';

/** A finished archive: its file name and bytes. */
export interface ExportArchive {
  readonly filename: string;
  readonly bytes: Uint8Array<ArrayBuffer>;
}

interface ArchiveFile {
  readonly name: string;
  readonly description: string;
  readonly records: number;
  readonly text: string;
}

const json = (v: unknown) => `${JSON.stringify(v, null, 2)}\n`;

function readme(d: ExportData, files: readonly ArchiveFile[]): string {
  return [
    '# Your data at wattledger',
    '',
    `Generated ${d.generatedAt}. Every file is UTF-8; times are RFC 3339 in UTC, energy is in Wh, money is a decimal string.`,
    '',
    ...files.map((f) => `- \`${f.name}\`: ${f.description}`),
    '',
    'Consumption is given at the granularity your consent allows for each contract (`month`, `day` or',
    '15-minute `interval`), the same as the app shows; change it with `PUT /v1/contracts/{id}/consent`.',
    'Each row says how its value was obtained: `measured`, `interpolated` (part of it lies in a gap of',
    'more than an hour between readings, for example where older readings were reduced to what your',
    'consent and billing need), `partial` (still running: only its completed units are counted) or',
    '`missing` (no reading before it).',
    '',
  ].join('\n');
}

/**
 * The right-of-access archive of one customer: a zip of `README.md`, `manifest.json`,
 * `profile.json`, `contracts.json` (with consents and meters), `consents.json` (current levels and
 * every change), `invoices.json` (with their lines) and `readings.csv` (consumption at the
 * consented granularity). fflate builds it in memory: an archive is one customer's data, a few MB
 * at most.
 */
export async function exportArchive(deps: ExportDeps, customerId: string): Promise<ExportArchive> {
  const d = await collectExport(deps, customerId);
  const changes = (d.consents.changes as readonly unknown[]).length;
  const files: ArchiveFile[] = [
    {
      name: 'profile.json',
      description:
        'your customer record and the API keys issued to you (never the keys themselves)',
      records: 1,
      text: json(d.profile),
    },
    {
      name: 'contracts.json',
      description:
        'your contracts with their tariff, time zone, consent and meters (how each meter’s device speaks, and under consent `interval` its latest reading: where its time came from, its registers)',
      records: d.contracts.length,
      text: json(d.contracts),
    },
    {
      name: 'consents.json',
      description:
        'the current consent of each contract and every change of it (when, from, to, by whom)',
      records: changes,
      text: json(d.consents),
    },
    {
      name: 'invoices.json',
      description: 'your invoices with every line',
      records: d.invoices.length,
      text: json(d.invoices),
    },
    {
      name: 'readings.csv',
      description: `your consumption per meter at the consented granularity (${CSV_HEADER})`,
      records: d.consumption.length,
      text: [CSV_HEADER, ...d.consumption, ''].join('\n'),
    },
  ];
  const manifest = {
    format: 'wattledger-export',
    version: 1,
    customerId,
    generatedAt: d.generatedAt,
    files: files.map(({ name, description, records }) => ({ name, description, records })),
  };
  const all = [
    { name: 'README.md', text: readme(d, files) },
    { name: 'manifest.json', text: json(manifest) },
    ...files,
  ];
  const bytes = zipSync(Object.fromEntries(all.map((f) => [f.name, strToU8(f.text)])), {
    level: 6,
    mtime: new Date(Date.parse(d.generatedAt)),
  });
  return { filename: `wattledger-export-${customerId}-${d.generatedAt.slice(0, 10)}.zip`, bytes };
}
