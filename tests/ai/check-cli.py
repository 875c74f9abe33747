#!/usr/bin/env python3
# check-cli.py: `handoff-cli summarize` on the fixture transcripts, checked as a script would use it.
# Usage: check-cli.py HANDOFF_CLI FIXTURES_DIR   (prints TAP)
#
# The LLM path runs against a small OpenAI-compatible stand-in served from this
# script (SSE over HTTP/1.1 on 127.0.0.1, port 0).
#
# SPDX-License-Identifier: GPL-3.0-or-later
import http.server
import json
import os
import subprocess
import sys
import threading

cli, fixtures = sys.argv[1], sys.argv[2]
KEY = "gsk-cli-test-secret"
results = []

EXPECTED_IDS = {
    "billing-double-charge.txt": {("order", "ORD-48213"), ("email", "maria.lopez@example.com")},
    "internet-outage.json": {("account", "7720-1945-33"), ("ticket", "TKT-55102")},
    "account-locked.txt": {("ticket", "CS-90412")},
    "damaged-delivery.txt": {("order", "5567-2231")},
}
LISTS = ("key_facts", "tried", "promised", "next_steps", "open_questions")


def ok(cond, name, detail=""):
    results.append((bool(cond), name, detail))


def run(args, stdin=None, env=None):
    e = dict(os.environ)
    e.pop("HANDOFF_AI_KEY", None)
    e.update(env or {})
    return subprocess.run([cli, "summarize"] + args, input=stdin, capture_output=True,
                          env=e, timeout=60)


def structure_problems(s):
    problems = []
    for k in ("text", "reason", "sentiment", "source"):
        if not isinstance(s.get(k), str) or not s[k].strip():
            problems.append(f"{k} is not a non-empty string")
    for k in LISTS:
        if not isinstance(s.get(k), list) or not all(isinstance(i, str) for i in s[k]):
            problems.append(f"{k} is not a list of strings")
    ids = s.get("identifiers")
    if not isinstance(ids, list) or not all(isinstance(i, dict) and isinstance(i.get("type"), str)
                                            and isinstance(i.get("value"), str) for i in ids):
        problems.append("identifiers is not a list of {type, value}")
    return problems


# 1. Offline, every fixture, from a file and from stdin.
for name, ids in sorted(EXPECTED_IDS.items()):
    path = os.path.join(fixtures, name)
    p = run(["--offline", path])
    ok(p.returncode == 0, f"offline {name} exits 0", p.stderr.decode())
    try:
        s = json.loads(p.stdout)
    except ValueError as e:
        ok(False, f"offline {name} prints JSON", str(e))
        continue
    probs = structure_problems(s)
    ok(not probs, f"offline {name} has the summary structure", "; ".join(probs))
    ok(s.get("source") == "offline", f"offline {name} says it is offline")
    found = {(i["type"], i["value"]) for i in s.get("identifiers", [])}
    ok(ids <= found, f"offline {name} finds the identifiers", f"missing {ids - found}")
    with open(path, "rb") as f:
        q = run(["--offline", "-"], stdin=f.read())
    ok(q.returncode == 0 and json.loads(q.stdout) == s, f"offline {name} same from stdin")

# 2. The entity drawer's view.
p = run(["--entities", os.path.join(fixtures, "internet-outage.json")])
ents = json.loads(p.stdout).get("entities", []) if p.returncode == 0 else []
ok({"type": "phone", "value": "555-203-4417", "utterance": 9} in ents, "entities lists the phone",
   str(ents))

# 2b. What `handoff-cli transcribe` prints (one voice, HandoffSegment JSON) pipes straight in.
transcribed = json.dumps({"file": "call.wav", "backend": "local", "fallback_reason": None,
                          "segments": [
                              {"id": "s1", "identity": "local", "speaker": "local",
                               "track_id": "", "text": "hello", "start_ms": 0, "end_ms": 600,
                               "final": True},
                              {"id": "s2", "identity": "local", "speaker": "local",
                               "track_id": "", "text": "my order four four one two nine "
                               "never arrived and i need a refund", "start_ms": 900,
                               "end_ms": 4200, "final": True}]})
p = run(["--offline", "-"], stdin=transcribed.encode())
s = json.loads(p.stdout) if p.returncode == 0 else {}
ok("never arrived" in s.get("reason", "")
   and {"type": "order", "value": "44129"} in s.get("identifiers", []),
   "transcribe output summarized (spoken order number joined)", p.stdout.decode()[:400])

# 3. Bad input: a clear JSON error on stderr, nothing on stdout.
for args, stdin, code in ((["--offline", "-"], b'[{"speaker": "a"}]', "invalid_transcript"),
                          (["--offline", "-"], b"\xff\xfe\x00bad", "invalid_transcript"),
                          (["--offline", os.path.join(fixtures, "missing.txt")], None, "input"),
                          (["--bogus"], None, "usage")):
    p = run(args, stdin=stdin)
    try:
        err = json.loads(p.stderr.decode().strip().splitlines()[-1])
    except (ValueError, IndexError):
        err = {}
    ok(p.returncode == 1 and err.get("error") == code and p.stdout == b"",
       f"bad input {args[-1]} → {code}", p.stderr.decode())

# 4. The LLM path against the stand-in.
ANSWER = json.dumps({"reason": "Double charge on ORD-48213", "customer": "",
                     "sentiment": "frustrated", "key_facts": ["Charged $89.99 twice"],
                     "identifiers": [{"type": "order", "value": "ORD-48213"}], "tried": [],
                     "promised": ["Refund in 5-7 business days"], "next_steps": [],
                     "open_questions": []})
seen = []
mode = {"status": 200}


class Standin(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        seen.append((self.headers.get("Authorization"), body))
        if mode["status"] != 200:
            data = json.dumps({"error": {"message": "Invalid API Key", "code": "invalid_api_key"}})
            self.send_response(mode["status"])
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data.encode())
            return
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()

        def chunk(text):
            raw = text.encode()
            self.wfile.write(b"%x\r\n%s\r\n" % (len(raw), raw))
            self.wfile.flush()

        for i in range(0, len(ANSWER), 7):
            delta = {"choices": [{"index": 0, "delta": {"content": ANSWER[i:i + 7]},
                                  "finish_reason": None}]}
            event = "data: " + json.dumps(delta) + "\n\n"
            chunk(event[:10])
            chunk(event[10:])
        chunk("data: [DONE]\n\n")
        self.wfile.write(b"0\r\n\r\n")
        self.wfile.flush()


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Standin)
threading.Thread(target=server.serve_forever, daemon=True).start()
base = f"http://127.0.0.1:{server.server_address[1]}/v1"
billing = os.path.join(fixtures, "billing-double-charge.txt")

p = run(["--base-url", base, "--model", "llama-3.3-70b-versatile", billing],
        env={"HANDOFF_AI_KEY": KEY})
s = json.loads(p.stdout) if p.returncode == 0 else {}
ok(s.get("source") == "llm" and s.get("reason") == "Double charge on ORD-48213",
   "llm summary through the stand-in", p.stderr.decode())
ok(not structure_problems(s), "llm summary has the summary structure")
auth, body = seen[-1] if seen else (None, {})
ok(auth == "Bearer " + KEY, "key from HANDOFF_AI_KEY sent as bearer")
ok(body.get("model") == "llama-3.3-70b-versatile" and body.get("stream") is True
   and [m["role"] for m in body.get("messages", [])] == ["system", "user"], "request shape",
   json.dumps(body)[:300])
ok("4539 1488" not in json.dumps(body), "card number not sent")

mode["status"] = 401
p = run(["--base-url", base, billing], env={"HANDOFF_AI_KEY": KEY})
s = json.loads(p.stdout) if p.returncode == 0 else {}
ok(s.get("source") == "offline" and "refused the API key" in s.get("fallback_reason", ""),
   "401 falls back to offline", p.stderr.decode())
ok(KEY not in (p.stdout + p.stderr).decode(), "key never printed")
server.shutdown()

print(f"1..{len(results)}")
for i, (good, name, detail) in enumerate(results, 1):
    print(f"{'ok' if good else 'not ok'} {i} {name}")
    if not good and detail:
        for line in detail.splitlines()[:10]:
            print(f"# {line}")
