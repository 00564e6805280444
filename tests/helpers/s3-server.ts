// An S3-compatible server on loopback for store tests: s3rver (objects, in a temp dir) plus dynalite (a
// DynamoDB API, in memory) holding Lance's commit table. s3rver ignores `If-None-Match: *`, the conditional
// PUT Lance commits with on s3://, so concurrent writers need the DynamoDB commit store (docs/decisions.md).
import { createRequire } from 'node:module';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Readable } from 'node:stream';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo, Server } from 'node:net';

interface StoredObject {
  bucket: string;
  key: string;
  content: Buffer | Readable;
  metadata: Record<string, string>;
}
interface FilesystemStore {
  getResourcePath(bucket: string, key: string, resource: string): string;
  putMetadata(bucket: string, key: string, metadata: Record<string, string>, md5?: string): Promise<void>;
  getMetadata(bucket: string, key: string): Promise<Record<string, string>>;
  existsObject(bucket: string, key: string): Promise<boolean>;
  putObject(object: StoredObject): Promise<{ size: number; md5: string }>;
  copyObject(
    srcBucket: string,
    srcKey: string,
    destBucket: string,
    destKey: string,
    replacement: Record<string, string> | null,
  ): Promise<Record<string, string>>;
  [operation: string]: unknown;
}
interface S3rverInstance {
  store: FilesystemStore;
  run(): Promise<AddressInfo>;
  close(): Promise<void>;
}
type S3rverClass = new (options: { address: string; port: number; directory: string; silent: boolean; configureBuckets: { name: string }[] }) => S3rverInstance;
type Dynalite = (options: { createTableMs: number }) => Server;

const require = createRequire(import.meta.url);
const S3rver = require('s3rver') as S3rverClass;
const dynalite = require('dynalite') as Dynalite;
const S3Error = require('s3rver/lib/models/error') as new (code: string, message: string) => Error;

/**
 * S3 replaces an object atomically: a reader sees the old object or the new one, whole. s3rver's filesystem
 * store writes in place and answers a PUT before its file is flushed, so under concurrent writers Lance read
 * half-written or missing manifests (measured: one run in three failed). Here every object operation holds one
 * lock, and a PUT or COPY writes a temp file and renames it over the object; the HTTP API stays s3rver's.
 */
function makeObjectOperationsAtomic(store: FilesystemStore): void {
  let queue: Promise<unknown> = Promise.resolve();
  const locked = <T>(work: () => Promise<T>): Promise<T> => {
    const result = queue.then(work);
    queue = result.catch(() => {});
    return result;
  };
  const replace = async (path: string, bytes: Buffer | string) => {
    await mkdir(dirname(path), { recursive: true });
    await writeFile(`${path}.tmp`, bytes);
    await rename(`${path}.tmp`, path);
  };
  for (const name of ['getObject', 'existsObject', 'deleteObject', 'listObjects']) {
    const original = (store[name] as (...args: unknown[]) => Promise<unknown>).bind(store);
    store[name] = (...args: unknown[]) => locked(() => original(...args));
  }
  store.putObject = async (object) => {
    const chunks: Buffer[] = [];
    for await (const chunk of Buffer.isBuffer(object.content) ? [object.content] : object.content) {
      chunks.push(chunk as Buffer);
    }
    const bytes = Buffer.concat(chunks);
    const md5 = createHash('md5').update(bytes).digest('hex');
    return locked(async () => {
      await replace(store.getResourcePath(object.bucket, object.key, 'object'), bytes);
      await store.putMetadata(object.bucket, object.key, object.metadata, md5);
      return { size: bytes.length, md5 };
    });
  };
  store.copyObject = (srcBucket, srcKey, destBucket, destKey, replacement) =>
    locked(async () => {
      // The source may have been deleted since the controller checked it: S3 answers 404, as Lance expects.
      const read = (resource: string) => readFile(store.getResourcePath(srcBucket, srcKey, resource));
      const [bytes, metadata, md5] = await Promise.all([read('object'), read('metadata.json'), read('object.md5')]).catch(() => {
        throw new S3Error('NoSuchKey', 'The specified key does not exist.');
      });
      await replace(store.getResourcePath(destBucket, destKey, 'object'), bytes);
      await store.putMetadata(destBucket, destKey, replacement ?? (JSON.parse(metadata.toString()) as Record<string, string>), md5.toString());
      return store.getMetadata(destBucket, destKey);
    });
}

// s3rver checks request signatures against this one built-in account.
const ACCESS_KEY_ID = 'S3RVER';
const SECRET_ACCESS_KEY = 'S3RVER';
const BUCKET = 'transferscope';
const COMMIT_TABLE = 'transferscope-commits';

export interface S3TestServer {
  /** The S3 API, `http://127.0.0.1:PORT`. */
  endpoint: string;
  /** The DynamoDB API holding the commit table. */
  dynamodbEndpoint: string;
  /** Folder where s3rver keeps the objects (BUCKET/KEY...). */
  directory: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** LanceDB storage options that reach both servers. */
  storageOptions: Record<string, string>;
  /** `s3://BUCKET/prefix`: commits by conditional PUT, which this server does not enforce; one writer at a time. */
  uri(prefix: string): string;
  /** The same prefix with Lance's DynamoDB commit store: safe for concurrent writers. */
  uriWithCommitStore(prefix: string): string;
  /** Commit records Lance wrote to the commit table. */
  commitRecords(): Promise<number>;
  stop(): Promise<void>;
}

async function dynamo(endpoint: string, action: string, body: object): Promise<Record<string, unknown>> {
  // dynalite checks that a request is signed, not the signature itself.
  const res = await fetch(endpoint, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-amz-json-1.0',
      'x-amz-target': `DynamoDB_20120810.${action}`,
      'x-amz-date': '20260101T000000Z',
      authorization: `AWS4-HMAC-SHA256 Credential=${ACCESS_KEY_ID}/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0`,
    },
    body: JSON.stringify(body),
  });
  const answer = (await res.json()) as Record<string, unknown>;
  if (!res.ok) {
    throw new Error(`DynamoDB ${action} failed: ${JSON.stringify(answer)}`);
  }
  return answer;
}

/** Starts both servers on 127.0.0.1 at free ports, with the bucket and Lance's commit table created. */
export async function startS3Server(): Promise<S3TestServer> {
  const directory = mkdtempSync(join(tmpdir(), 'transferscope-s3-'));
  const s3 = new S3rver({ address: '127.0.0.1', port: 0, directory, silent: true, configureBuckets: [{ name: BUCKET }] });
  makeObjectOperationsAtomic(s3.store);
  const { port } = await s3.run();
  const ddb = dynalite({ createTableMs: 0 });
  await new Promise<void>((resolve) => ddb.listen(0, '127.0.0.1', resolve));
  const dynamodbEndpoint = `http://127.0.0.1:${(ddb.address() as AddressInfo).port}`;
  // The schema Lance's DynamoDB commit store requires: base_uri (hash) and version (range).
  await dynamo(dynamodbEndpoint, 'CreateTable', {
    TableName: COMMIT_TABLE,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [
      { AttributeName: 'base_uri', AttributeType: 'S' },
      { AttributeName: 'version', AttributeType: 'N' },
    ],
    KeySchema: [
      { AttributeName: 'base_uri', KeyType: 'HASH' },
      { AttributeName: 'version', KeyType: 'RANGE' },
    ],
  });
  const endpoint = `http://127.0.0.1:${port}`;
  return {
    endpoint,
    dynamodbEndpoint,
    directory,
    accessKeyId: ACCESS_KEY_ID,
    secretAccessKey: SECRET_ACCESS_KEY,
    storageOptions: {
      aws_endpoint: endpoint,
      aws_region: 'us-east-1',
      allow_http: 'true',
      aws_access_key_id: ACCESS_KEY_ID,
      aws_secret_access_key: SECRET_ACCESS_KEY,
      dynamodb_endpoint: dynamodbEndpoint,
    },
    uri: (prefix) => `s3://${BUCKET}/${prefix}`,
    uriWithCommitStore: (prefix) => `s3://${BUCKET}/${prefix}?engine=ddb&ddbTableName=${COMMIT_TABLE}`,
    commitRecords: async () => Number((await dynamo(dynamodbEndpoint, 'Scan', { TableName: COMMIT_TABLE, Select: 'COUNT' })).Count),
    async stop() {
      await s3.close();
      await new Promise<void>((resolve) => ddb.close(() => resolve()));
      rmSync(directory, { recursive: true, force: true });
    },
  };
}
