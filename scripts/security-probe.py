#!/usr/bin/env python3
"""
Probes a running RiskMonitor from outside, as issue 24's reviewer did: each finding's reproduction, answered over HTTP,
SignalR (long polling) and raw MQTT sockets. For a demo system started by ./run.sh only: it creates accounts named
probe.*, an integrator key, a device probe-dev and a short silence. Needs python3 and python3-requests.

    python3 scripts/security-probe.py [.run]      # prints PASS/FAIL per check, exits 1 on any FAIL
"""
import json, os, socket, struct, sys, time, requests

BASE = "http://127.0.0.1:8080"
RUN = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".run")
PW = open(f"{RUN}/demo-password").read().strip()
ADMIN = open(f"{RUN}/admin-key").read().strip()
results = []


def check(row, what, ok, detail=""):
    results.append((row, what, ok))
    print(f"[{'PASS' if ok else 'FAIL'}] row {row}: {what} {detail}")


def token(name, password=PW):
    r = requests.post(f"{BASE}/api/auth/token", json={"username": name, "password": password})
    r.raise_for_status()
    return r.json()["accessToken"]


def h(tok):
    return {"Authorization": f"Bearer {tok}"}


def is_problem(r):
    return r.headers.get("content-type", "").startswith("application/problem+json")


admin_h = {"X-Admin-Key": ADMIN}
# accounts for the probe: a supervisor and an operator scoped to 西湖区
for name, roles in (("probe.sup", ["supervisor"]), ("probe.op", ["operator"])):
    r = requests.put(f"{BASE}/api/users/{name}", headers=admin_h,
                     json={"roles": roles, "regions": ["d-xihu"], "password": "probe-password-123", "disabled": False})
    assert r.status_code in (200, 201), (r.status_code, r.text)
sup = token("probe.sup", "probe-password-123")
op = token("probe.op", "probe-password-123")
duty = token("duty")

# row 1: SSRF
r = requests.post(f"{BASE}/api/integrators/keys", headers=admin_h, json={"integrator": "probe", "scopes": ["feed:read", "webhooks:manage"]})
key = r.json()["key"]
r = requests.post(f"{BASE}/api/webhooks", headers={"X-Api-Key": key},
                  json={"url": "http://127.0.0.1:8086/query?q=SHOW%20DATABASES"})
check(1, "webhook to loopback InfluxDB refused with a problem", r.status_code == 400 and is_problem(r), f"{r.status_code} {r.text[:160]}")
r = requests.post(f"{BASE}/api/webhooks", headers={"X-Api-Key": key}, json={"url": "http://169.254.169.254/latest/meta-data"})
check(1, "webhook to metadata address refused", r.status_code == 400, f"{r.status_code}")
r = requests.post(f"{BASE}/api/webhooks", headers={"X-Api-Key": key}, json={"url": "http://localhost:5432/"})
check(1, "webhook to localhost by name refused", r.status_code == 400, f"{r.status_code}")


# row 2: hub groups, over SignalR long polling (JSON protocol)
def hub_invoke(tok, target, *args):
    s = requests.Session()
    s.headers.update(h(tok))
    neg = s.post(f"{BASE}/hubs/risk/negotiate?negotiateVersion=1").json()
    cid = neg["connectionToken"]
    url = f"{BASE}/hubs/risk?id={cid}"
    s.post(url, data=json.dumps({"protocol": "json", "version": 1}) + "\x1e")
    s.get(url, timeout=10)  # handshake answer
    s.post(url, data=json.dumps({"type": 1, "invocationId": "1", "target": target, "arguments": list(args)}) + "\x1e")
    deadline = time.time() + 15
    while time.time() < deadline:
        body = s.get(url, timeout=20).text
        for frame in body.split("\x1e"):
            if not frame:
                continue
            m = json.loads(frame)
            if m.get("type") == 3 and m.get("invocationId") == "1":
                s.delete(url)
                return m
    s.delete(url)
    return None


m = hub_invoke(op, "JoinRole", "duty_officer")
check(2, "scoped operator JoinRole(duty_officer) refused", m is not None and "error" in m, json.dumps(m, ensure_ascii=False)[:160])
m = hub_invoke(sup, "JoinUser", "duty")
check(2, "scoped supervisor JoinUser(duty) refused", m is not None and "error" in m, json.dumps(m, ensure_ascii=False)[:160])
m = hub_invoke(sup, "JoinUser", "probe.sup")
check(2, "JoinUser(own name) allowed", m is not None and "error" not in m, json.dumps(m, ensure_ascii=False)[:160])
m = hub_invoke(duty, "JoinRole", "duty_officer")
check(2, "city-wide duty JoinRole(duty_officer) allowed", m is not None and "error" not in m, json.dumps(m, ensure_ascii=False)[:160])

# row 3: silences and scope
everything = requests.get(f"{BASE}/api/assets?limit=2000", headers=h(duty)).json()["items"]
gs_asset = next(a["assetId"] for a in everything if "gongshu" in a["regionId"] and a["kind"] == "gas_pipeline")
xh_site = next(a["assetId"] for a in everything if "xihu" in a["regionId"] and a["kind"] in ("hazard_source", "gas_station"))
r = requests.post(f"{BASE}/api/silences", headers=h(duty), json={"scope": "asset", "target": gs_asset, "durationMinutes": 30, "reason": "probe"})
sid = r.json().get("silenceId") or r.json().get("id")
r = requests.post(f"{BASE}/api/silences/{sid}/expire", headers=h(sup), json={"note": "probe"})
check(3, "西湖 supervisor cannot expire a 拱墅 silence", r.status_code == 403 and is_problem(r), f"{r.status_code}")
r = requests.get(f"{BASE}/api/silences?all=true", headers=h(sup))
check(3, "西湖 supervisor does not list the 拱墅 silence", r.status_code == 200 and gs_asset not in r.text, f"{r.status_code}")
r = requests.get(f"{BASE}/api/silences/{sid}", headers=h(sup))
check(3, "西湖 supervisor cannot read the 拱墅 silence by id", r.status_code in (403, 404), f"{r.status_code}")
requests.post(f"{BASE}/api/silences/{sid}/expire", headers=h(duty), json={"note": "probe done"})

# row 4: NUL, NaN, extreme dates; exception names on /metrics
cases = [
    ("tip line NUL (anonymous)", requests.post, "/api/hazards/tip-line", None, {"description": "gas smell\u0000", "location": "x"}),
    ("hazard NUL", requests.post, "/api/hazards", op, {"description": "a\u0000b", "regionId": "d-xihu"}),
    ("silence NUL", requests.post, "/api/silences", sup, {"scope": "region", "target": "d-xihu", "durationMinutes": 5, "reason": "x\u0000"}),
    ("user NUL", requests.put, "/api/users/probe.nul", "admin", {"roles": ["viewer"], "password": "probe-password-123", "displayName": "a\u0000b"}),
    ("shift NUL", requests.post, "/api/duty/shifts", duty, {"startsAt": "2027-01-01T00:00:00Z", "endsAt": "2027-01-01T08:00:00Z", "officer": "a\u0000"}),
    ("silence in year 9999", requests.post, "/api/silences", sup, {"scope": "region", "target": "d-xihu", "startsAt": "9999-12-31T23:00:00Z", "durationMinutes": 120, "reason": "x"}),
    ("shift in year 1", requests.post, "/api/duty/shifts", duty, {"startsAt": "0001-01-01T00:00:00Z", "endsAt": "0001-01-01T08:00:00Z", "officer": "a"}),
]
for what, fn, path, who, body in cases:
    hdr = admin_h if who == "admin" else (h(who) if who else {})
    r = fn(f"{BASE}{path}", headers=hdr, json=body)
    check(4, what + " -> 400 problem", r.status_code == 400 and is_problem(r), f"{r.status_code} {r.text[:120]}")
for what, path in (("incidents distanceM=NaN", "/api/incidents?distanceM=NaN"),
                   ("site board radiusM=NaN", f"/api/sites/{gs_asset}/board?radiusM=NaN")):
    r = requests.get(f"{BASE}{path}", headers=h(duty))
    check(4, what + " -> 400 problem", r.status_code == 400 and is_problem(r), f"{r.status_code}")
metrics = requests.get(f"{BASE}/metrics").text
check(4, "/metrics carries no exception type names", "Exception\"" not in metrics, [l for l in metrics.splitlines() if "Exception" in l][:2])

# row 5: MQTT CONNECT claiming 40 MiB before authentication
def remaining_length(n):
    out = bytearray()
    while True:
        b = n % 128
        n //= 128
        out.append(b | (0x80 if n else 0))
        if not n:
            return bytes(out)


def send_body_until_closed(s, limit):
    """Sends zeros as the body of the packet whose header went out; (bytes sent, whether the server closed first)."""
    sent, chunk = 0, b"\0" * 65536
    try:
        while sent < limit:
            s.sendall(chunk)
            sent += len(chunk)
    except OSError:
        return sent, True
    try:
        s.settimeout(5)
        return sent, s.recv(1) == b""
    except OSError:
        return sent, True


s = socket.create_connection(("127.0.0.1", 1883), timeout=10)
s.sendall(b"\x10" + remaining_length(40 * 1024 * 1024))
sent, closed = send_body_until_closed(s, 8 * 1024 * 1024)
s.close()
check(5, "CONNECT claiming 40 MiB closed at its header", closed and sent < 8 * 1024 * 1024, f"sent {sent} bytes before close")

# a connection that never sends CONNECT is closed (10 s)
s = socket.create_connection(("127.0.0.1", 1883), timeout=30)
t0 = time.time()
try:
    closed = s.recv(1) == b""
except OSError:
    closed = True
check(5, "silent connection closed by the connect timeout", closed and time.time() - t0 < 25, f"after {time.time() - t0:.1f} s")
s.close()


# device provisioned for one asset: subscribe to own topic refused; 3 MB publish cut at its header
def mqtt_str(x):
    b = x.encode()
    return struct.pack("!H", len(b)) + b


r = requests.post(f"{BASE}/api/devices", headers=admin_h, json={"deviceId": "probe-dev", "assets": [gs_asset]})
secret = r.json().get("secret") if r.status_code == 201 else requests.post(f"{BASE}/api/devices/probe-dev/rotate", headers=admin_h).json()["secret"]
vh = mqtt_str("MQTT") + b"\x04" + b"\xc2" + struct.pack("!H", 30)
payload = mqtt_str("probe-dev") + mqtt_str("probe-dev") + mqtt_str(secret)
s = socket.create_connection(("127.0.0.1", 1883), timeout=10)
s.sendall(b"\x10" + remaining_length(len(vh) + len(payload)) + vh + payload)
connack = s.recv(4)
check(5, "device signs in", len(connack) == 4 and connack[3] == 0, connack.hex())
sub = struct.pack("!H", 1) + mqtt_str(f"rm/v1/{gs_asset}/telemetry") + b"\x00"
s.sendall(b"\x82" + remaining_length(len(sub)) + sub)
try:
    suback = s.recv(5)
    refused = len(suback) == 0 or suback[-1] == 0x80
except OSError:
    refused = True
check(8, "device may not subscribe to its own asset's topic", refused, suback.hex() if 'suback' in dir() else "")
s.close()
s = socket.create_connection(("127.0.0.1", 1883), timeout=10)
s.sendall(b"\x10" + remaining_length(len(vh) + len(payload)) + vh + payload)
s.recv(4)
topic = mqtt_str(f"rm/v1/{gs_asset}/telemetry")
s.sendall(b"\x30" + remaining_length(3 * 1024 * 1024 + len(topic)) + topic)
sent, closed = send_body_until_closed(s, 3 * 1024 * 1024)
check(5, "3 MB publish closed before its body is read", closed and sent < 3 * 1024 * 1024, f"sent {sent}")
s.close()

# row 6 and 7: revocation and partial updates
requests.put(f"{BASE}/api/users/probe.rev", headers=admin_h, json={"roles": ["supervisor"], "password": "probe-password-123", "disabled": False})
old = token("probe.rev", "probe-password-123")
requests.put(f"{BASE}/api/users/probe.rev", headers=admin_h, json={"roles": ["viewer"], "regions": ["d-xihu"]})
r = requests.post(f"{BASE}/api/silences", headers=h(old), json={"scope": "region", "target": "d-xihu", "durationMinutes": 5, "reason": "x"})
check(6, "demoted account's old token loses the supervisor role at once (same node)", r.status_code == 403, f"{r.status_code}")
r = requests.get(f"{BASE}/api/assets/{gs_asset}", headers=h(old))
body = r.text
check(6, "demoted account's old token is scoped to 西湖区", r.status_code == 403 or gs_asset not in body, f"{r.status_code}")
requests.put(f"{BASE}/api/users/probe.rev", headers=admin_h, json={"roles": ["viewer"], "disabled": True})
r = requests.get(f"{BASE}/api/auth/me", headers=h(old))
check(6, "disabled account's token refused", r.status_code == 401, f"{r.status_code}")
requests.put(f"{BASE}/api/users/probe.rev", headers=admin_h, json={"roles": ["viewer"], "displayName": "still disabled"})
u = requests.get(f"{BASE}/api/users/probe.rev", headers=admin_h).json()
check(7, "PUT without disabled/regions keeps disabled and scope", u["disabled"] and u["regions"] == ["d-xihu"], json.dumps(u, ensure_ascii=False)[:160])

# row 6: a disabled account's open hub connection is closed
requests.put(f"{BASE}/api/users/probe.hub", headers=admin_h, json={"roles": ["viewer"], "password": "probe-password-123", "disabled": False})
hs = requests.Session()
hs.headers.update(h(token("probe.hub", "probe-password-123")))
cid = hs.post(f"{BASE}/hubs/risk/negotiate?negotiateVersion=1").json()["connectionToken"]
hub_url = f"{BASE}/hubs/risk?id={cid}"
hs.post(hub_url, data=json.dumps({"protocol": "json", "version": 1}) + "\x1e")
hs.get(hub_url, timeout=10)
requests.put(f"{BASE}/api/users/probe.hub", headers=admin_h, json={"roles": ["viewer"], "disabled": True})
closed, t0 = False, time.time()
while time.time() - t0 < 45 and not closed:
    r = hs.get(hub_url, timeout=40)
    closed = r.status_code in (204, 401, 404) or any(f and json.loads(f).get("type") == 7 for f in r.text.split("\x1e"))
check(6, "disabled account's open hub connection is closed", closed, f"after {time.time() - t0:.1f} s")

# row 8
r = requests.get(f"{BASE}/api/sites/{xh_site}/board?radiusM=5000", headers=h(op))
check(8, "site board of a 西湖 asset lists no 拱墅 asset for a 西湖 operator", r.status_code == 200 and "gongshu" not in r.text, f"{r.status_code} {r.text[:100]}")
r = requests.post(f"{BASE}/api/hazards", headers=h(op), json={"description": "probe enum", "regionId": "d-xihu", "level": 7})
check(8, "integer enum refused", r.status_code == 400 and is_problem(r), f"{r.status_code}")
r = requests.post(f"{BASE}/api/hazards/tip-line", json={"description": "x", "location": "y" * 100000, "contact": "z" * 100000})
check(8, "tip-line location/contact length capped", r.status_code in (400, 413) and is_problem(r), f"{r.status_code}")
bad = 0
for i in range(7):
    r = requests.post(f"{BASE}/api/auth/token", json={"username": "wall", "password": f"wrong-{i}"}, headers={"X-Forwarded-For": f"10.0.0.{i}"})
    bad = r.status_code
check(8, "sign-in limited per account name too", bad == 429, f"last {bad}")

# row 9: headers, 414/431
r = requests.get(f"{BASE}/wall")
hd = {k.lower(): v for k, v in r.headers.items()}
check(9, "pages carry CSP, frame options, nosniff, referrer policy",
      all(k in hd for k in ("content-security-policy", "x-frame-options", "x-content-type-options", "referrer-policy")), "")
r = requests.get(f"{BASE}/api/assets?x=" + "a" * 20000, headers=h(duty))
check(9, "414 is a problem", r.status_code == 414 and is_problem(r), f"{r.status_code}")
r = requests.get(f"{BASE}/api/assets", headers={**h(duty), "X-Big": "a" * 40000})
check(9, "431 is a problem", r.status_code == 431 and is_problem(r), f"{r.status_code}")

failed = [x for x in results if not x[2]]
print(f"probe: {len(results) - len(failed)} passed, {len(failed)} failed")
sys.exit(1 if failed else 0)
