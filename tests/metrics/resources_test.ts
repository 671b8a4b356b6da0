import { deepEqual, equal, throws } from "node:assert/strict";
import {
  allowedMemory,
  availableCPUs,
  countCPUList,
  parseCPUMax,
  readCPUQuota,
  readMemoryLimit,
} from "../../lib/metrics/resources.ts";
import { fakeProcFs } from "../../lib/metrics/proc_fs.ts";

const GiB = 1024 ** 3;

Deno.test("readMemoryLimit() takes the smallest cgroup v2 memory.max up the hierarchy", () => {
  const f = (files: Record<string, string>, want: number) =>
    equal(readMemoryLimit({ totalMemory: 16 * GiB, fs: fakeProcFs(files) }), want);
  const cg = { "/proc/self/cgroup": "0::/vm.slice/vmagent.service\n" };
  f({
    ...cg,
    "/sys/fs/cgroup/vm.slice/vmagent.service/memory.max": "max\n",
    "/sys/fs/cgroup/vm.slice/memory.max": "2147483648\n",
  }, 2 * GiB);
  f({
    ...cg,
    "/sys/fs/cgroup/vm.slice/vmagent.service/memory.max": "1073741824\n",
    "/sys/fs/cgroup/vm.slice/memory.max": "2147483648\n",
  }, GiB);
  f({ ...cg, "/sys/fs/cgroup/vm.slice/vmagent.service/memory.max": "max\n" }, 16 * GiB);
  f({}, 16 * GiB);
});

Deno.test("readMemoryLimit() reads cgroup v1 limits and ignores the 'unlimited' value", () => {
  const f = (files: Record<string, string>, want: number) =>
    equal(readMemoryLimit({ totalMemory: 16 * GiB, fs: fakeProcFs(files) }), want);
  f({ "/sys/fs/cgroup/memory/memory.limit_in_bytes": "536870912\n" }, 512 * 1024 ** 2);
  f({
    "/proc/self/cgroup": "5:devices:/\n4:memory:/docker/abc\n",
    "/sys/fs/cgroup/memory/docker/abc/memory.limit_in_bytes": "1073741824\n",
  }, GiB);
  f({
    "/sys/fs/cgroup/memory/memory.limit_in_bytes": "9223372036854771712\n",
    "/sys/fs/cgroup/memory/memory.stat": "cache 0\nhierarchical_memory_limit 3221225472\n",
  }, 3 * GiB);
  f({ "/sys/fs/cgroup/memory/memory.limit_in_bytes": "9223372036854771712\n" }, 16 * GiB);
});

Deno.test("readCPUQuota() reads cgroup v1, then v2, then the online CPUs", () => {
  const f = (files: Record<string, string>, want: number) =>
    equal(readCPUQuota({ fs: fakeProcFs(files) }), want);
  f({
    "/sys/fs/cgroup/cpu/cpu.cfs_quota_us": "150000\n",
    "/sys/fs/cgroup/cpu/cpu.cfs_period_us": "100000\n",
  }, 1.5);
  f({
    "/proc/self/cgroup": "0::/a/b\n",
    "/sys/fs/cgroup/a/b/cpu.max": "max 100000\n",
    "/sys/fs/cgroup/a/cpu.max": "250000 100000\n",
  }, 2.5);
  f({ "/sys/fs/cgroup/cpu.max": "max 100000\n", "/sys/devices/system/cpu/online": "0-3,6\n" }, 5);
  f({}, -1);
});

Deno.test("parseCPUMax() and countCPUList() read the kernel formats", () => {
  equal(parseCPUMax("max 100000"), -1);
  equal(parseCPUMax("50000 100000"), 0.5);
  equal(parseCPUMax("200000"), 2);
  equal(parseCPUMax("x 100000"), -1);
  equal(countCPUList("0"), 1);
  equal(countCPUList("0-7"), 8);
  equal(countCPUList("0-1,4-5,9\n"), 5);
  equal(countCPUList("a-b"), -1);
});

Deno.test("availableCPUs() rounds the quota down to at least one and at most the CPUs", () => {
  const f = (quota: number, cpus: number, want: number) => equal(availableCPUs(quota, cpus), want);
  f(2.5, 8, 2);
  f(0.5, 8, 1);
  f(16, 8, 8);
  f(-1, 4, 4);
});

Deno.test("allowedMemory() applies -memory.allowedPercent or -memory.allowedBytes", () => {
  deepEqual(allowedMemory(1000, {}), { allowed: 600, remaining: 400 });
  deepEqual(allowedMemory(1000, { allowedPercent: 80 }), { allowed: 800, remaining: 200 });
  deepEqual(allowedMemory(1000, { allowedPercent: 80, allowedBytes: 100 }), {
    allowed: 100,
    remaining: 900,
  });
  throws(() => allowedMemory(1000, { allowedPercent: 0.5 }), RangeError);
  throws(() => allowedMemory(1000, { allowedPercent: 100 }), RangeError);
  throws(() => allowedMemory(1000, { allowedBytes: 1000 }), RangeError);
});
