/** The app's only way to the wattledger API: same origin, bearer key, problem+json errors. */

/** An error answer of the API (RFC 9457 problem details), or a network failure (status 0). */
export class ApiProblem extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly detail: string,
  ) {
    super(detail);
    this.name = 'ApiProblem';
  }
}

/** A client bound to one API key. */
export interface Api {
  get<T>(path: string): Promise<T>;
  /** A JSON body sent with POST (or PUT). */
  post<T>(path: string, body: unknown, method?: 'POST' | 'PUT'): Promise<T>;
  /** A binary answer (e.g. the data export archive). */
  blob(path: string): Promise<Blob>;
}

interface ProblemBody {
  readonly detail?: unknown;
  readonly code?: unknown;
  readonly title?: unknown;
}

async function problemOf(res: Response): Promise<ApiProblem> {
  let body: ProblemBody = {};
  try {
    body = (await res.json()) as ProblemBody;
  } catch {
    // A proxy's HTML error page has no problem body; the status still says what happened.
  }
  const detail =
    typeof body.detail === 'string'
      ? body.detail
      : typeof body.title === 'string'
        ? body.title
        : `HTTP ${res.status}`;
  return new ApiProblem(
    res.status,
    typeof body.code === 'string' ? body.code : 'http_error',
    detail,
  );
}

/** A client sending `Authorization: Bearer <key>`; non-2xx answers throw {@link ApiProblem}. */
export function createApi(key: string, onUnauthorized?: (p: ApiProblem) => void): Api {
  async function call<T>(
    method: string,
    path: string,
    body?: unknown,
    as: 'json' | 'blob' = 'json',
  ): Promise<T> {
    let res: Response;
    try {
      res = await fetch(path, {
        method,
        headers: {
          authorization: `Bearer ${key}`,
          accept: 'application/json',
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? null : JSON.stringify(body),
        cache: 'no-store',
      });
    } catch (e) {
      throw new ApiProblem(
        0,
        'network',
        `the server did not answer (${e instanceof Error ? e.message : String(e)})`,
      );
    }
    if (!res.ok) {
      const p = await problemOf(res);
      if (p.status === 401) onUnauthorized?.(p);
      throw p;
    }
    return (as === 'blob' ? await res.blob() : await res.json()) as T;
  }
  return {
    get: (path) => call('GET', path),
    post: (path, body, method = 'POST') => call(method, path, body),
    blob: (path) => call<Blob>('GET', path, undefined, 'blob'),
  };
}

/** Query string from defined values. */
export function query(params: Record<string, string | number | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined) q.set(k, String(v));
  const s = q.toString();
  return s === '' ? '' : `?${s}`;
}

/**
 * Run `fn` over `items` with at most `limit` calls in flight (demo-scale fan-out over contracts).
 */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const out: R[] = new Array<R>(items.length);
  let next = 0;
  async function worker(): Promise<void> {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i] as T);
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}
