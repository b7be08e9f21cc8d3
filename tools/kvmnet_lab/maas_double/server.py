# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The double on HTTP: OAuth 1.0a PLAINTEXT checked on every request, a request log, MAAS's content types."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import contextlib
import json
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlsplit

from kvmnet_lab.maas_double.answers import API
from kvmnet_lab.maas_double.routes import route


class MaasDouble(ThreadingHTTPServer):
    """``MaasDouble(state).start()``; ``.url`` is what a user would write; ``.log`` the requests seen."""

    daemon_threads = True

    def __init__(self, state, address=('127.0.0.1', 0)):
        ThreadingHTTPServer.__init__(self, address, Handler)
        self.state = state
        self.log = []
        self.thread = None

    @property
    def url(self):
        return 'http://%s:%d/MAAS' % self.server_address[:2]

    def start(self):
        self.thread = threading.Thread(target=self.serve_forever, daemon=True)
        self.thread.start()
        return self

    def stop(self):
        self.shutdown()
        self.server_close()

    def writes(self, since=0):
        """The requests that could change something (not GET), from log entry ``since`` on, as
        ``'POST machines/'`` - the path relative to the API."""
        return ['%s %s' % (e['method'], e['path'][len(API):]) for e in self.log[since:] if e['method'] != 'GET']


@contextlib.contextmanager
def serving(state):
    """``with serving(state) as region:`` a started double on the loopback, stopped however the block ends."""
    server = MaasDouble(state).start()
    try:
        yield server
    finally:
        server.stop()


def oauth_fields(header):
    if not header or not header.startswith('OAuth '):
        return {}
    return dict((k, unquote(v)) for k, v in re.findall(r'(\w+)="([^"]*)"', header))


class Handler(BaseHTTPRequestHandler):
    """One request: authenticate, route, answer as MAAS does."""

    def log_message(self, *args):  # pylint: disable=arguments-differ
        pass

    def _send(self, status, body, content_type='application/json'):
        data = body if isinstance(body, bytes) else (json.dumps(body) if content_type == 'application/json'
                                                     else body).encode('utf-8')
        self.send_response(status)
        self.send_header('Content-Type', content_type)
        self.send_header('Content-Length', str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _user(self):
        fields = oauth_fields(self.headers.get('Authorization'))
        if fields.get('oauth_signature_method') != 'PLAINTEXT':
            return None
        key = '%s:%s:%s' % (fields.get('oauth_consumer_key'), fields.get('oauth_token'),
                            fields.get('oauth_signature', '').lstrip('&'))
        return self.server.state.users.get(key)

    def do_GET(self):  # pylint: disable=invalid-name
        self._handle('GET')

    def do_POST(self):  # pylint: disable=invalid-name
        self._handle('POST')

    def do_DELETE(self):  # pylint: disable=invalid-name
        self._handle('DELETE')

    def do_PUT(self):  # pylint: disable=invalid-name
        self._handle('PUT')

    def _form(self):
        length = int(self.headers.get('Content-Length') or 0)
        return parse_qs(self.rfile.read(length).decode('utf-8')) if length else {}

    def _handle(self, method):
        parts = urlsplit(self.path)
        query = dict((k, v[0]) for k, v in parse_qs(parts.query).items())
        form = self._form() if method in ('POST', 'PUT') else {}
        user = self._user() if parts.path.startswith(API) else None
        self.server.log.append({'method': method, 'path': parts.path, 'query': query,
                                'user': user['username'] if user else None})
        if not parts.path.startswith(API):
            return self._send(200, '<html><body><h1>MAAS</h1></body></html>', 'text/html; charset=utf-8')
        if user is None:
            return self._send(401, 'Authorization Error: Invalid API key.', 'text/plain')
        with self.server.state.lock:
            status, body = route(self.server.state, method, parts.path[len(API):], query, form, user)
        if status == 204:
            return self._send(204, b'', 'text/plain')
        if isinstance(body, str):
            return self._send(status, body, 'text/plain')
        return self._send(status, body)
