"""Shared HTTP plumbing of the simulators: loopback-only threaded server,
optional TLS, port file for labctl, request log."""
import http.server
import json
import os
import socket
import socketserver
import sys
import time

from .store import lab_paths
from . import tls


class LabServer(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    labdir = None  # the lab directory this server serves
    scheme = "http"  # "https" when wrapped with the lab CA
    ssl_ctx = None  # server TLS context, or None for plain HTTP

    def get_request(self):
        # Handshake lazily in the handler thread: a client that connects and
        # stalls must not block accept() for everyone else.
        sock, addr = self.socket.accept()
        # Headers and body go out as separate writes; without this, Nagle
        # and the client's delayed ACK stall every kept-alive reply ~40 ms
        # (a real vCenter or Cinder does not).
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        if self.ssl_ctx is not None:
            sock = self.ssl_ctx.wrap_socket(sock, server_side=True,
                                            do_handshake_on_connect=False)
        return sock, addr

    def handle_error(self, request, client_address):
        pass  # client resets and TLS rejections are normal in tests


class LabHandler(http.server.BaseHTTPRequestHandler):
    """Base handler: HTTP/1.1 keep-alive, log to DIR/logs/NAME.log."""
    protocol_version = "HTTP/1.1"
    server_version = "vmigrate-lab/1.0"
    log_name = "lab"

    @property
    def labdir(self):
        return self.server.labdir

    def log_message(self, fmt, *args):
        path = os.path.join(lab_paths(self.labdir)["logs"], self.log_name + ".log")
        with open(path, "a") as f:
            f.write("%s %s\n" % (time.strftime("%H:%M:%S"), fmt % args))

    def read_body(self):
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n) if n else b""

    def send_bytes(self, code, body, ctype="application/json", headers=None):
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def send_json(self, code, obj, headers=None):
        body = b"" if obj is None else json.dumps(obj).encode()
        self.send_bytes(code, body, headers=headers)

    def hang(self, seconds=3600):
        """Simulate a server that accepted the request and never answers:
        hold the connection open, send nothing, then close it."""
        self.close_connection = True
        deadline = time.time() + seconds
        while time.time() < deadline:
            time.sleep(0.5)
        self.drop_connection()

    def drop_connection(self):
        """Simulate a peer that vanishes mid-request."""
        self.close_connection = True
        try:
            self.connection.shutdown(2)
        except OSError:
            pass


def serve(name, handler_cls, labdir, use_tls, port=0):
    """Bind 127.0.0.1:port, write DIR/NAME.port, serve until killed."""
    paths = lab_paths(labdir)
    os.makedirs(paths["logs"], exist_ok=True)
    srv = LabServer(("127.0.0.1", port), handler_cls)
    srv.labdir = paths["dir"]
    if use_tls:
        srv.ssl_ctx = tls.server_context(labdir)
        srv.scheme = "https"
    portfile = os.path.join(paths["dir"], name + ".port")
    with open(portfile + ".tmp", "w") as f:
        f.write("%d\n" % srv.server_address[1])
    os.replace(portfile + ".tmp", portfile)
    sys.stdout.flush()
    srv.serve_forever()
