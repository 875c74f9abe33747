"""Local HTTP servers standing in for the cloud APIs in the UI tests: each speaks the
vendor's documented wire format, only as much of it as a test needs."""
import http.server
import json
import threading


class Handler(http.server.BaseHTTPRequestHandler):
    """A request handler with the helpers the stand-ins share."""

    def body(self):
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))

    def send_json(self, code, obj):
        body = json.dumps(obj).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def send_server_error(self, message):
        """What an OpenAI-compatible API answers when its model fails."""
        self.send_json(500, {"error": {"message": message, "type": "server_error"}})

    def log_message(self, *args):
        pass


def serve(handler):
    """Serves `handler` (a Handler subclass) on a free loopback port in a thread;
    returns (server, "http://127.0.0.1:PORT")."""
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd, f"http://127.0.0.1:{httpd.server_address[1]}"
