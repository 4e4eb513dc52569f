// A raw OTLP/gRPC client for tests: sends any bytes as an Export request (valid or not) with an
// ingest token, and returns the status code, details and the response bytes.
import * as grpc from '@grpc/grpc-js';
import { TEST_INGEST_TOKEN } from './test-app.js';

export interface ExportClient {
  call(body: Uint8Array, token?: string | null): Promise<{ code: number; details?: string; body?: Buffer }>;
  close(): void;
}

type Callback = (err: grpc.ServiceError | null, res?: Buffer) => void;

export function exportClient(path: string, port: number, opts: { gzip?: boolean } = {}): ExportClient {
  const Ctor = grpc.makeGenericClientConstructor(
    {
      Export: {
        path,
        requestStream: false,
        responseStream: false,
        requestSerialize: (b: Buffer) => b,
        requestDeserialize: (b: Buffer) => b,
        responseSerialize: (b: Buffer) => b,
        responseDeserialize: (b: Buffer) => b,
      },
    },
    'Export',
  );
  const client = new Ctor(`127.0.0.1:${port}`, grpc.credentials.createInsecure(), opts.gzip ? { 'grpc.default_compression_algorithm': 2 } : {});
  const exportFn = (client as unknown as { Export: (req: Buffer, md: grpc.Metadata, cb: Callback) => void }).Export.bind(client);
  return {
    call(body, token = TEST_INGEST_TOKEN) {
      const md = new grpc.Metadata();
      if (token !== null) md.set('authorization', `Bearer ${token}`);
      return new Promise((resolve) =>
        exportFn(Buffer.from(body), md, (err, res) => resolve(err ? { code: err.code, details: err.details } : { code: 0, body: res })),
      );
    },
    close: () => client.close(),
  };
}
