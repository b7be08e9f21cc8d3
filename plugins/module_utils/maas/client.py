# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""A MAAS API 2.0 client: the URL as users write it, the API key, OAuth 1.0a PLAINTEXT signatures made
by oauthlib, retries on 503 and reset connections, one clear message per failure.

No Ansible import: the HTTP transport is passed in (``maas.ansible_glue`` wraps Ansible's
``open_url``), so the client runs the same against the MAAS test double and in the unit tests. The API
key never appears in a message: errors name the URL and the status, not the request.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import itertools
import json
from urllib.parse import quote, urlencode

from ansible_collections.kvmnet.netboot.plugins.module_utils.common.optional_import import optional_import

oauth1, OAUTHLIB_IMPORT_ERROR = optional_import('oauthlib.oauth1')
HAS_OAUTHLIB = oauth1 is not None

API_PATH = 'api/2.0/'
RETRY_STATUSES = (503,)
# A request waits at most this long (seconds) for an answer.
MAX_TIMEOUT = 3600


class MaasError(Exception):
    """A MAAS request failed; the message says why and what to do. ``status`` is the HTTP status or None."""

    def __init__(self, message, status=None):
        super(MaasError, self).__init__(message)
        self.status = status


class TransportError(Exception):
    """The request did not get an HTTP answer: ``kind`` is refused, reset, tls, timeout or other."""

    def __init__(self, kind, detail):
        super(TransportError, self).__init__(detail)
        self.kind = kind


def api_base(url):
    """``http://maas:5240/MAAS`` (or with ``/api/2.0/``) -> ``http://maas:5240/MAAS/api/2.0/``."""
    if not isinstance(url, str) or not url.startswith(('http://', 'https://')):
        raise MaasError('url %r is not a MAAS address such as http://maas.example.com:5240/MAAS' % (url,))
    base = url.rstrip('/') + '/'
    if base.endswith('/' + API_PATH):
        return base
    return base + API_PATH


def parse_api_key(api_key):
    """(consumer_key, token_key, token_secret) of a MAAS API key; the message never repeats the key."""
    parts = api_key.split(':') if isinstance(api_key, str) else []
    if len(parts) != 3 or not all(parts):
        raise MaasError('api_key must be the MAAS API key in three parts, consumer_key:token_key:token_secret (as '
                        '"maas apikey --username NAME" prints it); the one given has %d part(s)'
                        % (len(parts) if parts else 0))
    return tuple(parts)


STATUS_WORDS = {
    400: 'MAAS refused the request as invalid (400)',
    401: 'MAAS rejected the API key (401): check api_key, or MAAS_API_KEY (consumer_key:token_key:token_secret)',
    403: 'MAAS forbids this to the API key\'s user (403): it needs a MAAS administrator\'s key',
    404: 'MAAS has no such object (404)',
    409: 'MAAS refused the request in the object\'s current state (409)',
    410: 'MAAS no longer offers this (410 Gone)',
}
TRANSPORT_WORDS = {
    'refused': 'nothing answers at %s (connection refused): check url and that the MAAS region runs',
    'tls': 'TLS verification of %s failed: give ca_path (the CA that signed MAAS\'s certificate), or set '
           'validate_certs false on a lab',
    'timeout': '%s did not answer in time: check url, or raise timeout',
    'reset': 'the connection to %s was reset, also on retries',
    'other': 'cannot reach %s',
}


class MaasClient(object):
    """Requests to one MAAS region. ``transport(method, url, headers, body, timeout)`` returns
    ``(status, body bytes, content type)`` or raises TransportError."""

    def __init__(self, url, api_key, transport, clock, timeout=30, retries=3):
        if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or not 0 < timeout <= MAX_TIMEOUT:
            raise MaasError('timeout must be a number of seconds, 1-%d, got %r' % (MAX_TIMEOUT, timeout))
        self.base = api_base(url)
        consumer, token, secret = parse_api_key(api_key)
        self._signer = oauth1.Client(consumer, client_secret='', resource_owner_key=token,
                                     resource_owner_secret=secret, signature_method=oauth1.SIGNATURE_PLAINTEXT)
        self.transport = transport
        self.timeout = timeout
        self.retries = retries
        self.clock = clock
        self.requests = 0
        self.seconds = 0.0
        self._version = None

    def get(self, path, **params):
        return self.request('GET', path, params)

    def post(self, path, **params):
        return self.request('POST', path, params)

    def put(self, path, **params):
        return self.request('PUT', path, params)

    def delete(self, path):
        return self.request('DELETE', path, {})

    def _url(self, path, params, method):
        # each segment quoted: a value that went into a path (an address, a hostname) cannot change the request
        url = self.base + quote(path.lstrip('/'), safe='/:')
        query = [(k, v) for k, v in sorted(params.items()) if k == 'op' or method == 'GET']
        if query:
            url += '?' + '&'.join('%s=%s' % (k, _quote(v)) for k, v in query)
        return url

    def request(self, method, path, params):
        """The decoded JSON answer (None for an empty one). GET is retried on 503 and reset connections."""
        url = self._url(path, params, method)
        form = [(k, v) for k, v in sorted(params.items()) if k != 'op' and method != 'GET']
        body = _form(form) if form else None
        headers = {'Accept': 'application/json'}
        if body is not None:
            headers['Content-Type'] = 'application/x-www-form-urlencoded'
        for attempt in range(self.retries + 1 if method == 'GET' else 1):
            if attempt:
                self.clock.sleep(min(2 ** attempt * 0.25, 4))
            dummy, signed, dummy2 = self._signer.sign(url, http_method=method, body=body, headers=dict(headers))
            try:
                status, answer, content_type = self._send(method, url, signed, body)
            except TransportError as exc:
                if exc.kind == 'reset' and attempt < self.retries and method == 'GET':
                    continue
                raise MaasError(TRANSPORT_WORDS.get(exc.kind, TRANSPORT_WORDS['other']) % self.base
                                + ' (%s)' % exc)
            if status in RETRY_STATUSES and attempt < self.retries and method == 'GET':
                continue
            return self._decode(method, url, status, answer, content_type)
        raise MaasError('MAAS at %s kept answering 503 (busy)' % self.base, 503)  # pragma: no cover

    def _send(self, method, url, headers, body):
        started = self.clock.monotonic()
        self.requests += 1
        try:
            return self.transport(method, url, headers, body, self.timeout)
        finally:
            self.seconds += self.clock.monotonic() - started

    def _decode(self, method, url, status, answer, content_type):
        text = answer.decode('utf-8', 'replace') if isinstance(answer, bytes) else (answer or '')
        where = '%s %s' % (method, url.split('?')[0])
        if status >= 400:
            words = STATUS_WORDS.get(status, 'MAAS answered %d' % status)
            detail = text.strip()[:300] if 'json' in (content_type or '') or 'text/plain' in (content_type or '') else ''
            raise MaasError('%s: %s%s' % (where, words, (' - %s' % detail) if detail else ''), status)
        if not text.strip():
            return None
        try:
            return json.loads(text)
        except ValueError:
            raise MaasError('%s: the answer is not MAAS\'s JSON (content type %s): is url the MAAS region\'s address, '
                            'such as http://maas.example.com:5240/MAAS?' % (where, content_type or 'unknown'), status)

    def version(self):
        """``version/`` (read once): ``version``, ``subversion``, ``capabilities``."""
        if self._version is None:
            self._version = self.get('version/') or {}
        return self._version

    def has_capability(self, name):
        return name in (self.version().get('capabilities') or [])

    def version_at_least(self, wanted):
        """True when the region's version (``3.6.1``, ``2.5.0 from source``) is at least ``wanted``."""
        return _version_tuple(self.version().get('version')) >= _version_tuple(wanted)


def _version_tuple(text):
    """(3, 6, 1) of ``3.6.1`` or ``2.5.0 from source``; () when there is no version."""
    words = str(text or '').split()
    numbers = []
    for part in words[0].split('.') if words else []:
        digits = ''.join(itertools.takewhile(str.isdigit, part))
        if not digits:
            break
        numbers.append(int(digits))
    return tuple(numbers)


def _quote(value):
    return quote(str(value), safe=':/')


def _form(pairs):
    return urlencode(pairs, doseq=True)
