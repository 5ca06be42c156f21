# Blend's Python code-judge runner, started by Blend.CodeJudge as `python3 -I -S -B -c <this file>` inside bubblewrap,
# once per sample. stdin: a secret token line, then one JSON line {"code", "tests" | "check"+"entry_point", "imports",
# "limits"}. The runner closes stdin, applies its resource limits, runs the snippet in its own module namespace, then runs
# the tests in a second namespace built after the snippet ran (the tests' own definitions and clean builtins win over
# anything the snippet defined or patched), and writes one result line "<token> {json}" to a copy of stdout it took
# before any snippet code ran, then exits at once (no atexit handlers, no waiting for snippet threads).
import builtins, json, os, resource, sys, math  # math: preloaded so its state is restored for the tests


def main():
    os.write(1, b"+")  # started: written before any snippet code
    raw = sys.stdin.buffer.read()
    os.close(0)
    token, _, body = raw.partition(b"\n")
    req = json.loads(body)
    del raw, body
    out = os.dup(1)
    write, exit_now = os.write, os._exit
    limits = req["limits"]
    vm = 0
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmSize:"):
                vm = int(line.split()[1]) * 1024
    threads = len(os.listdir("/proc/self/task"))
    for res, value in ((resource.RLIMIT_AS, vm + limits["memory_bytes"]),
                       (resource.RLIMIT_NPROC, threads + 2 + limits["processes"]),
                       (resource.RLIMIT_FSIZE, limits["file_bytes"]),
                       (resource.RLIMIT_CPU, limits["cpu_seconds"]),
                       (resource.RLIMIT_NOFILE, 256),
                       (resource.RLIMIT_CORE, 0)):
        resource.setrlimit(res, (value, value))

    def report(result):
        line = b"\n" + token + b" " + json.dumps(result).encode() + b"\n"
        write(out, line)
        exit_now(0)

    def describe(e):
        text = str(e)
        return type(e).__name__ + (": " + text[:300] if text else "")

    # Snapshot of the interpreter before the snippet: builtins and every loaded module's globals.
    clean_builtins = dict(builtins.__dict__)
    modules = dict(sys.modules)
    saved = {name: dict(m.__dict__) for name, m in modules.items() if hasattr(m, "__dict__")}
    graveyard = []  # replaced values are kept alive so no snippet __del__ runs while state is restored

    try:
        code = compile(req["code"], "<response>", "exec", dont_inherit=True, optimize=0)
    except (SyntaxError, ValueError) as e:
        report({"error": "compile error: " + describe(e)})
    ns = {"__name__": "__main__", "__builtins__": builtins}
    try:
        exec(code, ns)
    except BaseException as e:
        report({"error": "snippet raised " + describe(e)})

    for name, module in modules.items():
        if sys.modules.get(name) is not module:
            graveyard.append(sys.modules.get(name))
            sys.modules[name] = module
        if name in saved:
            d = module.__dict__
            graveyard.append(dict(d))
            d.update(saved[name])
            for key in [k for k in d if k not in saved[name]]:
                del d[key]

    tests_ns = {"__name__": "__main__", "__builtins__": builtins}
    for name, value in ns.items():
        if name.startswith("__") or name in clean_builtins:
            continue
        tests_ns[name] = modules.get(getattr(value, "__name__", None), value) if type(value) is type(sys) else value

    def run(source, label):
        exec(compile(source, label, "exec", dont_inherit=True, optimize=0), tests_ns)

    failures, passed = [], 0
    try:
        for line in req.get("imports", []):
            run(line, "<test imports>")
    except BaseException as e:
        report({"error": "test imports failed: " + describe(e)})
    if "check" in req:
        entry = req["entry_point"]
        if entry not in ns:
            report({"passed": 0, "failures": [[0, "entry point " + entry + " is not defined"]]})
        try:
            run(req["check"], "<check>")
            tests_ns["check"](ns[entry])
            passed = 1
        except AssertionError as e:
            failures.append([0, "assertion failed" + (": " + str(e)[:300] if str(e) else "")])
        except BaseException as e:
            failures.append([0, "raised " + describe(e)])
    else:
        for i, test in enumerate(req["tests"]):
            try:
                run(test, "<test %d>" % (i + 1))
                passed += 1
            except AssertionError as e:
                failures.append([i, "assertion failed" + (": " + str(e)[:300] if str(e) else "")])
            except BaseException as e:
                failures.append([i, "raised " + describe(e)])
    report({"passed": passed, "failures": failures})


main()
