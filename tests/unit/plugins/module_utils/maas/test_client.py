# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The MAAS client with a scripted transport: URL forms, the OAuth header, retries, one message per failure."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import re

import pytest

from ansible_collections.kvmnet.netboot.plugins.module_utils.maas.client import (
    MaasClient, MaasError, TransportError, api_base, parse_api_key)

KEY = 'consumerKEY:tokenKEY:tokenSECRET'


class NoWait(object):
    """A clock whose sleeps take no time."""

    @staticmethod
    def monotonic():
        return 0.0

    @staticmethod
    def sleep(seconds):
        pass


class Script(object):
    """Answers in order: (status, body) tuples, or a TransportError to raise."""

    def __init__(self, *answers):
        self.answers = list(answers)
        self.seen = []

    def __call__(self, method, url, headers, body, timeout):
        self.seen.append((method, url, headers, body))
        answer = self.answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        status, payload = answer
        text = payload if isinstance(payload, str) else json.dumps(payload)
        return status, text.encode(), 'text/html' if text.startswith('<') else 'application/json'


def client(script):
    return MaasClient('http://maas.example.com:5240/MAAS', KEY, script, NoWait())


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


def test_get_is_retried_on_503_and_resets_but_post_is_not():
    script = Script((503, 'busy'), TransportError('reset', 'Connection reset by peer'), (200, []))
    maas = client(script)
    assert maas.get('fabrics/') == [] and maas.requests == 3
    script = Script((503, 'busy'))
    with pytest.raises(MaasError, match='MAAS answered 503'):
        client(script).post('machines/', hostname='x')


@pytest.mark.parametrize('answer, words', [
    ((401, 'Authorization Error'), 'MAAS rejected the API key (401)'),
    ((403, 'no'), "needs a MAAS administrator's key"),
    ((404, 'No Subnet matches'), 'MAAS has no such object (404)'),
    ((409, 'busy'), "in the object's current state (409)"),
    ((200, '<html>MAAS</html>'), "the answer is not MAAS's JSON"),
    (TransportError('refused', 'Connection refused'), 'connection refused'),
    (TransportError('tls', 'certificate verify failed'), 'TLS verification of http://maas.example.com'),
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
