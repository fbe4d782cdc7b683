#!/usr/bin/env python3
"""Train a tiny policy in a CrowdAlpha MarketEnv from outside, over WebSocket.

Only the standard library and numpy: the WebSocket client below is the minimum of RFC 6455 a
client needs (opening handshake, masked text frames, fragmented and extended-length frames,
ping/pong, close). The protocol is in docs/AGENT-PROTOCOL.md:

    -> {"type": "reset", "seed": 7, "episode_ticks": 500}
    <- {"type": "observation", "obs": [...], "observation": [...names], "actions": [...names]}
    -> {"type": "act", "action": 3}
    <- {"type": "step", "obs": [...], "reward": r, "terminated": false, "truncated": false, "info": {...}}

The learner is REINFORCE with a running-mean baseline over a linear softmax policy: small enough
to read in a minute, and it shows the loop any outside learner (PyTorch, JAX, ...) would run.

    python3 examples/python/market_env_client.py --url ws://127.0.0.1:8000/ws/agent --episodes 5

With --live N it then joins the live market as an agent and acts with the trained policy for N
ticks (each observation must be answered within the agent's timeout_ms):

    -> {"type": "join", "agent_id": "ext_py"}
    <- {"type": "joined", "agent_id": "ext_py", "manage_key": "...", ...}
    <- {"type": "observation", "tick": t, "obs": [...], "reward": r}     (every tick)
    -> {"type": "act", "tick": t, "action": a}
"""
import argparse
import base64
import hashlib
import json
import os
import socket
import struct
import sys
from urllib.parse import urlparse

import numpy as np

GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"


class WebSocket:
    """A blocking RFC 6455 client: text messages only, as the protocol needs."""

    def __init__(self, url, timeout=30.0, api_key=None):
        u = urlparse(url)
        if u.scheme != "ws":
            raise ValueError(f"only ws:// URLs are supported, got {url!r}")
        self.sock = socket.create_connection((u.hostname, u.port or 80), timeout=timeout)
        key = base64.b64encode(os.urandom(16))
        path = (u.path or "/") + (f"?{u.query}" if u.query else "")
        request = (
            f"GET {path} HTTP/1.1\r\nHost: {u.hostname}:{u.port or 80}\r\nUpgrade: websocket\r\n"
            f"Connection: Upgrade\r\nSec-WebSocket-Key: {key.decode()}\r\nSec-WebSocket-Version: 13\r\n"
            + (f"Authorization: Bearer {api_key}\r\n" if api_key else "")
            + "\r\n"
        )
        self.sock.sendall(request.encode())
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = self.sock.recv(1024)
            if not chunk:
                raise ConnectionError("server closed the connection during the handshake")
            head += chunk
        head, self.buf = head.split(b"\r\n\r\n", 1)
        lines = head.decode("latin-1").split("\r\n")
        if " 101 " not in lines[0] + " ":
            raise ConnectionError(f"handshake refused: {lines[0]}")
        headers = {k.strip().lower(): v.strip() for k, v in (l.split(":", 1) for l in lines[1:] if ":" in l)}
        expected = base64.b64encode(hashlib.sha1(key + GUID).digest()).decode()
        if headers.get("sec-websocket-accept") != expected:
            raise ConnectionError("handshake: wrong Sec-WebSocket-Accept")

    def _read(self, n):
        while len(self.buf) < n:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("connection closed")
            self.buf += chunk
        out, self.buf = self.buf[:n], self.buf[n:]
        return out

    def _send_frame(self, opcode, payload):
        # Client frames are always masked (RFC 6455 section 5.3).
        mask = os.urandom(4)
        n = len(payload)
        if n < 126:
            header = struct.pack("!BB", 0x80 | opcode, 0x80 | n)
        elif n < 65536:
            header = struct.pack("!BBH", 0x80 | opcode, 0x80 | 126, n)
        else:
            header = struct.pack("!BBQ", 0x80 | opcode, 0x80 | 127, n)
        masked = (np.frombuffer(payload, dtype=np.uint8) ^ np.resize(np.frombuffer(mask, dtype=np.uint8), n)).tobytes()
        self.sock.sendall(header + mask + masked)

    def send(self, text):
        self._send_frame(0x1, text.encode("utf-8"))

    def recv(self):
        """The next text message (fragments joined); answers pings; raises on close."""
        parts = []
        while True:
            b0, b1 = self._read(2)
            fin, opcode, n = b0 & 0x80, b0 & 0x0F, b1 & 0x7F
            if n == 126:
                (n,) = struct.unpack("!H", self._read(2))
            elif n == 127:
                (n,) = struct.unpack("!Q", self._read(8))
            mask = self._read(4) if b1 & 0x80 else None
            payload = self._read(n)
            if mask:
                payload = bytes(c ^ mask[i % 4] for i, c in enumerate(payload))
            if opcode == 0x9:  # ping
                self._send_frame(0xA, payload)
                continue
            if opcode == 0xA:  # pong
                continue
            if opcode == 0x8:  # close
                code = struct.unpack("!H", payload[:2])[0] if len(payload) >= 2 else 1005
                raise ConnectionError(f"server closed the connection ({code}): {payload[2:].decode('utf-8', 'replace')}")
            parts.append(payload)
            if fin:
                return b"".join(parts).decode("utf-8")

    def close(self):
        try:
            self._send_frame(0x8, struct.pack("!H", 1000))
        finally:
            self.sock.close()


class MarketEnvClient:
    """Gym-style: reset(seed) -> obs, step(action) -> (obs, reward, terminated, truncated, info)."""

    def __init__(self, url, api_key=None):
        self.ws = WebSocket(url, api_key=api_key)
        self.actions = []
        self.observation = []

    def _call(self, msg):
        self.ws.send(json.dumps(msg))
        reply = json.loads(self.ws.recv())
        if reply.get("type") == "error":
            raise RuntimeError(f"{reply.get('code')}: {reply.get('message')}")
        return reply

    def reset(self, seed, episode_ticks=None, config=None):
        msg = {"type": "reset", "seed": seed}
        if episode_ticks:
            msg["episode_ticks"] = episode_ticks
        if config:
            msg["config"] = config
        r = self._call(msg)
        self.actions, self.observation = r["actions"], r["observation"]
        return np.asarray(r["obs"], dtype=np.float64)

    def step(self, action):
        r = self._call({"type": "act", "action": int(action)})
        return np.asarray(r["obs"], dtype=np.float64), float(r["reward"]), r["terminated"], r["truncated"], r["info"]

    def close(self):
        self.ws.close()


def softmax(z):
    e = np.exp(z - z.max())
    return e / e.sum()


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--url", default="ws://127.0.0.1:8000/ws/agent")
    p.add_argument("--episodes", type=int, default=5)
    p.add_argument("--episode-ticks", type=int, default=500)
    p.add_argument("--seed", type=int, default=100, help="episode k runs market seed + k")
    p.add_argument("--lr", type=float, default=0.01)
    p.add_argument("--live", type=int, default=0, metavar="N", help="then act in the live market for N ticks")
    p.add_argument("--agent-id", default=None, help="agent id in the live market (default: server-chosen)")
    p.add_argument("--timeout-ms", type=int, default=None, help="per-tick deadline to ask for in the live market (5..1000; default 120)")
    p.add_argument("--api-key", default=os.environ.get("CROWDALPHA_API_KEY"), help="API key for a server with keys (default: $CROWDALPHA_API_KEY)")
    p.add_argument("--json", action="store_true", help="print one JSON summary instead of a line per episode")
    args = p.parse_args(argv)

    env = MarketEnvClient(args.url, api_key=args.api_key)
    rng = np.random.default_rng(args.seed)
    obs = env.reset(args.seed, args.episode_ticks)
    n_obs, n_act = len(obs), len(env.actions)
    W = np.zeros((n_act, n_obs + 1))  # linear softmax policy with a bias column
    baseline = 0.0
    episodes = []
    for k in range(args.episodes):
        if k > 0:
            obs = env.reset(args.seed + k, args.episode_ticks)
        grads, rewards, info, steps = [], [], {}, 0
        while True:
            x = np.append(obs, 1.0)
            probs = softmax(W @ x)
            a = int(rng.choice(n_act, p=probs))
            g = -np.outer(probs, x)
            g[a] += x  # d log pi(a|x) / dW
            obs, r, terminated, truncated, info = env.step(a)
            grads.append(g)
            rewards.append(r)
            steps += 1
            if terminated or truncated:
                break
        returns = np.cumsum(rewards[::-1])[::-1]
        baseline += 0.1 * (returns.mean() - baseline)
        W += args.lr * sum(gt * (Gt - baseline) for gt, Gt in zip(grads, returns)) / steps
        episodes.append({"episode": k, "seed": args.seed + k, "steps": steps, "return": float(sum(rewards)), "net_pnl": float(info.get("netPnl", 0.0))})
        if not args.json:
            print(f"episode {k}: {steps} steps, return {sum(rewards):.3f}, net PnL {info.get('netPnl', 0.0):.2f}", flush=True)
    env.close()
    summary = {"observation": env.observation, "actions": env.actions, "episodes": episodes}
    if args.live > 0:
        summary["live"] = run_live(args.url, W, args.live, args.agent_id, rng, quiet=args.json, timeout_ms=args.timeout_ms, api_key=args.api_key)
    if args.json:
        print(json.dumps(summary))
    return 0


def run_live(url, W, ticks, agent_id, rng, quiet=False, timeout_ms=None, api_key=None):
    """Joins the live market and answers N observations with the policy W."""
    ws = WebSocket(url, api_key=api_key)
    join = {"type": "join"}
    if agent_id:
        join["agent_id"] = agent_id
    if timeout_ms:
        join["timeout_ms"] = timeout_ms
    ws.send(json.dumps(join))
    joined = json.loads(ws.recv())
    if joined.get("type") != "joined":
        raise RuntimeError(f"join refused: {joined}")
    if not quiet:
        print(f"joined the live market as {joined['agent_id']} (deadline {joined['timeout_ms']} ms per tick)", flush=True)
    rewards, actions, info = [], [], {}
    while len(actions) < ticks:
        m = json.loads(ws.recv())
        if m["type"] == "error":
            if not quiet:
                print(f"server: {m['message']}", flush=True)
            continue
        if m["type"] != "observation":
            break
        if m["reward"] is not None:
            rewards.append(m["reward"])
        x = np.append(np.asarray(m["obs"], dtype=np.float64), 1.0)
        a = int(rng.choice(len(W), p=softmax(W @ x)))
        ws.send(json.dumps({"type": "act", "tick": m["tick"], "action": a}))
        actions.append(a)
        info = m["info"]
    ws.close()
    return {"agent_id": joined["agent_id"], "ticks": len(actions), "reward": float(sum(rewards)), "net_pnl": float(info.get("net_pnl", 0.0))}


if __name__ == "__main__":
    sys.exit(main())
