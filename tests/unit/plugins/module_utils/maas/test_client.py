# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The MAAS client with a scripted transport and a clock that records its waits: URL forms, the OAuth header,
retries within the deadline (Retry-After, writes only on 503 and 429), redirects never followed, one message per
failure."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import re

import pytest

from ansible_collections.kvmnet.netboot.plugins.module_utils.maas.client import (
    MaasClient, MaasError, TransportError, api_base, parse_api_key, plaintext_warning)

KEY = 'consumerKEY:tokenKEY:tokenSECRET'


class NoWait(object):
    """A clock whose sleeps take no time but move it on; ``waits`` records them."""

    def __init__(self):
        self.now = 0.0
        self.waits = []

    def monotonic(self):
        return self.now

    def time(self):
        return 1800000000.0 + self.now

    def sleep(self, seconds):
        self.waits.append(seconds)
        self.now += seconds


class Script(object):
    """Answers in order: (status, body[, headers]) tuples, or a TransportError to raise."""

    def __init__(self, *answers):
        self.answers = list(answers)
        self.seen = []

    def __call__(self, method, url, headers, body, timeout):
        self.seen.append((method, url, headers, body))
        answer = self.answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        status, payload = answer[:2]
        text = payload if isinstance(payload, str) else json.dumps(payload)
        found = {'content-type': 'text/html' if text.startswith('<') else 'application/json'}
        found.update(answer[2] if len(answer) > 2 else {})
        return status, text.encode(), found


def client(script, clock=None, timeout=30):
    return MaasClient('http://maas.example.com:5240/MAAS', KEY, script, clock or NoWait(), timeout)


@pytest.mark.parametrize('url', ['http://m:5240/MAAS', 'http://m:5240/MAAS/', 'http://m:5240/MAAS/api/2.0/',
                                 'http://m:5240/MAAS/api/2.0'])
def test_url_as_users_write_it(url):
    assert api_base(url) == 'http://m:5240/MAAS/api/2.0/'


def test_plaintext_oauth_header_and_query():
    script = Script((200, {'version': '3.5.4', 'capabilities': ['networks-management']}))
    maas = client(script)
    assert maas.version_at_least('3.5') and not maas.version_at_least('3.6')
    assert maas.has_capability('networks-management')
    maas.version()  # read once
    method, url, headers, body = script.seen[0]
    assert (method, url, body) == ('GET', 'http://maas.example.com:5240/MAAS/api/2.0/version/', None)
    auth = headers['Authorization']
    assert 'oauth_signature_method="PLAINTEXT"' in auth and 'oauth_signature="%26tokenSECRET"' in auth
    assert 'oauth_consumer_key="consumerKEY"' in auth and len(script.seen) == 1


def test_a_read_is_retried_on_503_429_a_reset_and_a_cut_short_answer():
    clock = NoWait()
    script = Script((503, 'busy'), TransportError('reset', 'Connection reset by peer'),
                    TransportError('truncated', 'IncompleteRead(10 bytes read, 90 more expected)'), (200, []))
    maas = client(script, clock)
    assert maas.get('fabrics/') == [] and maas.requests == 4
    assert clock.waits == [0.5, 1.0, 2.0]                              # three retries at the most
    script = Script((429, 'slow down'), (200, []))
    assert client(script).get('fabrics/') == [] and len(script.seen) == 2


def test_a_write_is_retried_on_503_and_429_only():
    script = Script((503, 'busy'), (429, 'slow down'), (200, {'system_id': 'm1'}))
    assert client(script).post('machines/', hostname='x') == {'system_id': 'm1'}
    for fault in (TransportError('reset', 'Connection reset by peer'), TransportError('truncated', 'IncompleteRead')):
        script = Script(fault, (200, {}))
        with pytest.raises(MaasError):
            client(script).post('machines/', hostname='x')
        assert len(script.seen) == 1                                   # MAAS may have taken it: never sent twice


@pytest.mark.parametrize('header, wait', [('2', 2.0), ('0', 0.0), ('600', 30), ('Thu, 15 Jan 2027 08:00:05 GMT', 5.0),
                                          ('soon', 0.5)])
def test_retry_after_is_waited_capped(header, wait):
    clock = NoWait()
    clock.time = lambda: 1799999999.0 + 1  # Thu, 15 Jan 2027 08:00:00 GMT
    script = Script((503, 'busy', {'retry-after': header}), (200, []))
    client(script, clock, timeout=60).get('fabrics/')
    assert clock.waits == [wait]


def test_retries_stop_at_the_deadline():
    clock = NoWait()
    script = Script(*[(503, 'busy', {'retry-after': '20'})] * 4)
    with pytest.raises(MaasError, match=r'MAAS is busy \(503\), also after waiting as it asked'):
        client(script, clock, timeout=30).get('fabrics/')
    assert clock.waits == [20.0] and len(script.seen) == 2             # a second 20 s wait would pass 30 s


@pytest.mark.parametrize('status', [301, 302, 307, 308])
def test_a_redirect_is_never_followed(status):
    script = Script((status, '', {'location': 'http://elsewhere.example.com/MAAS/api/2.0/fabrics/'}))
    with pytest.raises(MaasError, match='MAAS redirected to http://elsewhere.example.com/MAAS/api/2.0/fabrics/; the '
                                        'request is not sent there') as failure:
        client(script).get('fabrics/')
    assert len(script.seen) == 1 and 'tokenSECRET' not in str(failure.value)


@pytest.mark.parametrize('url, warns', [
    ('http://maas.example.com:5240/MAAS', True), ('http://198.51.100.5:5240/MAAS', True),
    ('http://127.0.0.1:5240/MAAS', False), ('http://[::1]:5240/MAAS', False), ('http://localhost:5240/MAAS', False),
    ('https://maas.example.com:5443/MAAS', False)])
def test_plain_http_to_another_machine_is_warned(url, warns):
    warning = plaintext_warning(url)
    assert bool(warning) is warns
    if warns:
        assert 'unencrypted' in warning and ':5443/MAAS' in warning


@pytest.mark.parametrize('answer, words', [
    ((401, 'Authorization Error'), 'MAAS rejected the API key (401)'),
    ((403, 'User is not allowed access to this API.'), "forbids this to the API key's user (403) - User is not "),
    ((404, 'No Subnet matches'), 'MAAS has no such object (404)'),
    ((409, 'busy'), "in the object's current state (409)"),
    ((200, '<html>MAAS</html>'), "the answer is not MAAS's JSON"),
    (TransportError('refused', 'Connection refused'), 'connection refused'),
    (TransportError('tls', 'certificate verify failed'), 'TLS verification of GET http://maas.example.com'),
    (TransportError('truncated', 'IncompleteRead(10 bytes read)'), 'MAAS at http://maas.example.com:5240/MAAS/api/2.0/: '
                                                                   'the answer of GET http://maas.example.com:5240/MAAS'
                                                                   '/api/2.0/subnets/ was cut short'),
    (TransportError('protocol', 'BadStatusLine: SSH-2.0-OpenSSH_9.2'), 'did not answer HTTP'),
])
def test_one_message_per_failure_and_never_the_key(answer, words):
    with pytest.raises(MaasError, match=re.escape(words)) as failure:
        client(Script(answer, answer, answer, answer)).get('subnets/')
    assert 'tokenSECRET' not in str(failure.value)


@pytest.mark.parametrize('key', ['a:b', 'a:b:c:d', 'a::c', '', None])
def test_key_in_three_parts(key):
    with pytest.raises(MaasError, match='three parts') as failure:
        parse_api_key(key)
    assert (key or 'zzz') not in str(failure.value).split('given')[1]
