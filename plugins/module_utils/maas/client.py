# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""A MAAS API 2.0 client: the URL as users write it, the API key, OAuth 1.0a PLAINTEXT signatures made
by oauthlib, one clear message per failure that names MAAS and the URL.

Faults: 503 and 429 are retried after MAAS's Retry-After (capped at MAX_RETRY_WAIT) or a short backoff, while
the request's deadline (its ``timeout``) allows - writes too, since MAAS did not take them; a reset connection
or a cut-short answer only for reads. A redirect is never followed: the Authorization header carries the token
secret itself (PLAINTEXT), and must not go to another address. ``plaintext_warning`` says when ``http://``
sends it to another machine unencrypted.

No Ansible import: the HTTP transport is passed in (``maas.ansible_glue`` wraps Ansible's ``open_url``), so
the client runs the same against the MAAS test double and in the unit tests. The API key never appears in a
message: errors name the URL and the status, not the request.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import email.utils
import ipaddress
import itertools
import json
from urllib.parse import quote, urlencode, urlsplit

from ansible_collections.kvmnet.netboot.plugins.module_utils.common.optional_import import optional_import

oauth1, OAUTHLIB_IMPORT_ERROR = optional_import('oauthlib.oauth1')
HAS_OAUTHLIB = oauth1 is not None

API_PATH = 'api/2.0/'
# MAAS did not take the request (busy, or too many): any request may be sent again.
RETRY_STATUSES = (503, 429)
# The answer never came whole: only a read may be sent again.
RETRY_KINDS_FOR_READS = ('reset', 'truncated')
REDIRECTS = (301, 302, 303, 307, 308)
# A request waits at most this long (seconds) for an answer.
MAX_TIMEOUT = 3600
# The longest wait for one Retry-After (seconds).
MAX_RETRY_WAIT = 30


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
        raise MaasError('url %r is not a MAAS address such as https://maas.example.com:5443/MAAS' % (url,))
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
    403: 'MAAS forbids this to the API key\'s user (403)',
    404: 'MAAS has no such object (404)',
    409: 'MAAS refused the request in the object\'s current state (409)',
    410: 'MAAS no longer offers this (410 Gone)',
    429: 'MAAS turned the request away as one too many (429), also after waiting as it asked',
    503: 'MAAS is busy (503), also after waiting as it asked',
}
TRANSPORT_WORDS = {
    'refused': 'nothing answers at %s (connection refused): check url and that the MAAS region runs',
    'tls': 'TLS verification of %s failed: give ca_path (the CA that signed MAAS\'s certificate), or set '
           'validate_certs false on a lab',
    'timeout': '%s did not answer in time: check url, or raise timeout',
    'reset': 'the connection to %s was reset, also on retries',
    'truncated': 'the answer of %s was cut short (fewer bytes than it announced), also on retries: a proxy or '
                 'load balancer in between may drop long answers',
    'protocol': '%s did not answer HTTP: is url the MAAS region\'s address (its port, http or https)?',
    'other': 'cannot reach %s',
}


def plaintext_warning(url):
    """What to tell the user when ``url`` sends the API key's signature unencrypted to another machine (http:// to
    an address that is not this host's loopback), else None."""
    parts = urlsplit(url or '')
    host = (parts.hostname or '').strip('[]')
    try:
        local = ipaddress.ip_address(host).is_loopback
    except ValueError:
        local = host == 'localhost'
    if parts.scheme != 'http' or local:
        return None
    return ('url %s is plain http: every request carries the API key\'s token secret (OAuth PLAINTEXT) unencrypted to '
            '%s; use the region\'s HTTPS endpoint (https://%s:5443/MAAS once "maas config-tls enable" has set it '
            'up) with ca_path' % (url, host, host))


def retry_wait(value, now):
    """Seconds a Retry-After header asks for (a number, or an HTTP date), or None."""
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        return max(0.0, email.utils.parsedate_to_datetime(value).timestamp() - now)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None


class MaasClient(object):
    """Requests to one MAAS region. ``transport(method, url, headers, body, timeout)`` returns
    ``(status, body bytes, headers)`` - ``headers`` a dict of the answer's headers by lower-case name - or raises
    TransportError. ``clock`` has ``monotonic()``, ``time()`` and ``sleep()``."""

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
        """The decoded JSON answer (None for an empty one), after the retries the module docstring describes."""
        url = self._url(path, params, method)
        where = '%s %s' % (method, url.split('?')[0])
        form = [(k, v) for k, v in sorted(params.items()) if k != 'op' and method != 'GET']
        body = _form(form) if form else None
        headers = {'Accept': 'application/json'}
        if body is not None:
            headers['Content-Type'] = 'application/x-www-form-urlencoded'
        deadline = self.clock.monotonic() + self.timeout
        attempt = 0
        while True:
            dummy, signed, dummy2 = self._signer.sign(url, http_method=method, body=body, headers=dict(headers))
            try:
                status, answer, answer_headers = self._send(method, url, signed, body)
            except TransportError as exc:
                wait = self._backoff(attempt, deadline) if exc.kind in RETRY_KINDS_FOR_READS and method == 'GET' \
                    else None
                if wait is None:
                    raise MaasError('MAAS at %s: %s (%s)' % (self.base, TRANSPORT_WORDS.get(
                        exc.kind, TRANSPORT_WORDS['other']) % where, exc))
            else:
                wait = self._retry_after(status, answer_headers, attempt, deadline)
                if wait is None:
                    return self._decode(where, status, answer, answer_headers)
            self.clock.sleep(wait)
            attempt += 1

    def _backoff(self, attempt, deadline, wanted=None):
        """Seconds to wait before attempt ``attempt + 1``, or None when no retry is left before the deadline."""
        wait = min(MAX_RETRY_WAIT, wanted) if wanted is not None else min(2 ** (attempt + 1) * 0.25, 4)
        if attempt >= self.retries or self.clock.monotonic() + wait >= deadline:
            return None
        return wait

    def _retry_after(self, status, headers, attempt, deadline):
        if status not in RETRY_STATUSES:
            return None
        return self._backoff(attempt, deadline, retry_wait((headers or {}).get('retry-after'), self.clock.time()))

    def _send(self, method, url, headers, body):
        started = self.clock.monotonic()
        self.requests += 1
        try:
            return self.transport(method, url, headers, body, self.timeout)
        finally:
            self.seconds += self.clock.monotonic() - started

    def _decode(self, where, status, answer, headers):
        text = answer.decode('utf-8', 'replace') if isinstance(answer, bytes) else (answer or '')
        content_type = (headers or {}).get('content-type') or ''
        if status in REDIRECTS:
            raise MaasError('%s: MAAS redirected to %s; the request is not sent there, as the Authorization header '
                            'carries the API key\'s token secret: give that address as url if it is the region\'s'
                            % (where, (headers or {}).get('location') or 'another address'), status)
        if status >= 400:
            words = STATUS_WORDS.get(status, 'MAAS answered %d' % status)
            detail = text.strip()[:300] if 'json' in content_type or 'text/plain' in content_type else ''
            raise MaasError('%s: %s%s' % (where, words, (' - %s' % detail) if detail else ''), status)
        if not text.strip():
            return None
        try:
            return json.loads(text)
        except ValueError:
            raise MaasError('%s: the answer is not MAAS\'s JSON (content type %s): is url the MAAS region\'s address, '
                            'such as https://maas.example.com:5443/MAAS?' % (where, content_type or 'unknown'), status)

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
