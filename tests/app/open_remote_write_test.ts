import assert from "node:assert/strict";
import { openRemoteWrite } from "../../app/open_remote_write.ts";
import type { RemoteWriteOptions } from "../../lib/remotewrite/options.ts";
import type { RemoteWrite } from "../../lib/remotewrite/remote_write.ts";

const opened = {} as RemoteWrite;
const options = (urls: number, tmpDataPath?: string): RemoteWriteOptions => ({
  urls: Array.from({ length: urls }, (_, i) => ({ url: `http://127.0.0.1:9/w${i}` })),
  ...(tmpDataPath === undefined ? {} : { tmpDataPath }),
});

Deno.test("openRemoteWrite() names -remoteWrite.tmpDataPath when it cannot be created", async () => {
  const f = async (err: Error, want: string) => {
    const made: string[] = [];
    await assert.rejects(
      openRemoteWrite(options(1, "/etc/passwd/x"), {
        mkdir: (p) => {
          made.push(p);
          return Promise.reject(err);
        },
        open: () => assert.fail("must not open"),
      }),
      (e: Error) => {
        assert.equal(e.message, want);
        return true;
      },
    );
    assert.deepEqual(made, ["/etc/passwd/x"]);
  };
  await f(
    new Deno.errors.NotADirectory("Not a directory (os error 20): mkdir '/etc/passwd/x'"),
    "cannot create -remoteWrite.tmpDataPath=/etc/passwd/x: Not a directory (os error 20)",
  );
  await f(
    new Deno.errors.PermissionDenied("Permission denied (os error 13): mkdir '/etc/passwd/x'"),
    "cannot create -remoteWrite.tmpDataPath=/etc/passwd/x: Permission denied (os error 13)",
  );
  await f(
    new Error("disk on fire"),
    "cannot create -remoteWrite.tmpDataPath=/etc/passwd/x: disk on fire",
  );
});

Deno.test("openRemoteWrite() names the flag for file system errors under the folder only", async () => {
  const f = async (err: Error, want: string) => {
    await assert.rejects(
      openRemoteWrite(options(1, "/data"), {
        mkdir: () => Promise.resolve(),
        open: () => Promise.reject(err),
      }),
      (e: Error) => {
        assert.equal(e.message, want);
        return true;
      },
    );
  };
  await f(
    new Deno.errors.NotADirectory(
      "Not a directory (os error 20): mkdir '/data/persistent-queue/1_AB'",
    ),
    "cannot use -remoteWrite.tmpDataPath=/data: Not a directory (os error 20): mkdir '/data/persistent-queue/1_AB'",
  );
  // not a file system error, or not about the folder: passed through as it is
  await f(
    new Error("unsupported scheme ftp: in -remoteWrite.url"),
    "unsupported scheme ftp: in -remoteWrite.url",
  );
  await f(
    new Deno.errors.NotFound("No such file (os error 2): open '/etc/ca.pem'"),
    "No such file (os error 2): open '/etc/ca.pem'",
  );
});

Deno.test("openRemoteWrite() creates the default folder only when there is a URL", async () => {
  const f = async (opts: RemoteWriteOptions, wantMade: string[]) => {
    const made: string[] = [];
    const got = await openRemoteWrite(opts, {
      mkdir: (p) => {
        made.push(p);
        return Promise.resolve();
      },
      open: (o) => {
        assert.equal(o, opts);
        return Promise.resolve(opened);
      },
    });
    assert.equal(got, opened);
    assert.deepEqual(made, wantMade);
  };
  await f(options(0), []);
  await f(options(2), ["vmagent-remotewrite-data"]);
  await f(options(1, "/var/lib/vmagent"), ["/var/lib/vmagent"]);
});
