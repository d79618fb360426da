export interface ZoneFile {
  /** Zone apex, e.g. `100.51.198.in-addr.arpa` (trailing dot optional). */
  readonly name: string;
  /** Zone file text (master file format). */
  readonly text: string;
}

export interface BindServer {
  readonly host: '127.0.0.1';
  readonly port: number;
  /** `127.0.0.1:port`, the form `--resolver` takes. */
  readonly address: string;
  readonly dir: string;
  stop(): Promise<void>;
}

export function namedPath(): string | undefined;
export function freePort(): Promise<number>;
export function startBind(zones: readonly ZoneFile[], options?: { extraOptions?: string; extraConfig?: string; /** The port to try first (another is used when it is taken). */ port?: number }): Promise<BindServer>;
export function zoneText(apex: string, body: string, ttl?: number): string;
