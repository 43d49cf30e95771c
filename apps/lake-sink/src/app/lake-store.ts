import { mkdir, open, readdir, readFile, rename, rm } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import {
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  S3ClientConfig,
} from '@aws-sdk/client-s3';

/** Where lake files go: a local directory or an S3 bucket and prefix. */
export interface LakeStore {
  readonly location: string;
  /** Makes `content` visible at `path` all at once, replacing what was there. */
  put(path: string, content: Buffer): Promise<void>;
  /** Paths under `prefix` (relative to the store's root), sorted. */
  list(prefix: string): Promise<string[]>;
  get(path: string): Promise<Buffer>;
  /** Removes what an interrupted `put` may have left. */
  cleanUp(): Promise<void>;
}

const TMP = '.tmp-';

/** Local directory: write to a temporary name, fsync, rename into place, fsync the directory. */
export class LocalStore implements LakeStore {
  constructor(readonly root: string) {}

  get location(): string {
    return this.root;
  }

  async put(path: string, content: Buffer): Promise<void> {
    const target = join(this.root, path);
    const dir = dirname(target);
    await mkdir(dir, { recursive: true });
    const tmp = join(dir, `${TMP}${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}`);
    const file = await open(tmp, 'w');
    try {
      await file.writeFile(content);
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(tmp, target);
    const d = await open(dir, 'r');
    try {
      await d.sync();
    } finally {
      await d.close();
    }
  }

  async list(prefix: string): Promise<string[]> {
    const base = join(this.root, prefix);
    const entries = await readdir(base, { recursive: true, withFileTypes: true }).catch(() => []);
    return entries
      .filter((e) => e.isFile() && !e.name.startsWith(TMP))
      .map((e) => relative(this.root, join(e.parentPath, e.name)))
      .sort();
  }

  get(path: string): Promise<Buffer> {
    return readFile(join(this.root, path));
  }

  async cleanUp(): Promise<void> {
    const entries = await readdir(this.root, { recursive: true, withFileTypes: true }).catch(() => []);
    for (const e of entries) if (e.isFile() && e.name.startsWith(TMP)) await rm(join(e.parentPath, e.name));
  }
}

/** S3 (or an S3-compatible store): one PutObject per file is atomic, so a file is whole or absent. */
export class S3Store implements LakeStore {
  private readonly client: S3Client;
  private readonly bucket: string;
  private readonly prefix: string;

  constructor(url: string, config: S3ClientConfig = {}) {
    const u = new URL(url);
    this.bucket = u.hostname;
    this.prefix = u.pathname.replace(/^\/+|\/+$/g, '');
    this.client = new S3Client({ forcePathStyle: true, ...config });
  }

  get location(): string {
    return `s3://${this.bucket}/${this.prefix}`;
  }

  private key(path: string): string {
    return this.prefix ? `${this.prefix}/${path}` : path;
  }

  async put(path: string, content: Buffer): Promise<void> {
    await this.client.send(new PutObjectCommand({ Bucket: this.bucket, Key: this.key(path), Body: content }));
  }

  async list(prefix: string): Promise<string[]> {
    const out: string[] = [];
    let token: string | undefined;
    do {
      const page = await this.client.send(
        new ListObjectsV2Command({ Bucket: this.bucket, Prefix: this.key(prefix), ContinuationToken: token }),
      );
      for (const o of page.Contents ?? [])
        if (o.Key) out.push(this.prefix ? o.Key.slice(this.prefix.length + 1) : o.Key);
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return out.sort();
  }

  async get(path: string): Promise<Buffer> {
    const res = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: this.key(path) }));
    return Buffer.from(
      await (res.Body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray(),
    );
  }

  async cleanUp(): Promise<void> {
    // Nothing to clean: a PutObject that did not finish left nothing behind.
  }
}

/** A store for `LAKE_SINK_TARGET`: `s3://bucket/prefix` or a directory. */
export function lakeStore(target: string, s3: S3ClientConfig = {}): LakeStore {
  return target.startsWith('s3://') ? new S3Store(target, s3) : new LocalStore(target);
}
