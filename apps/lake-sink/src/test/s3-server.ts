import S3rver from 's3rver';

/** An S3-protocol server (s3rver) with a `lake` bucket, its objects under `directory`. */
export async function startS3Server(directory: string): Promise<{ server: S3rver; endpoint: string }> {
  const server = new S3rver({
    port: 0,
    address: '127.0.0.1',
    silent: true,
    directory,
    configureBuckets: [{ name: 'lake' }],
  });
  const { port } = await server.run();
  return { server, endpoint: `http://127.0.0.1:${port}` };
}
