# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Shell (imports Ansible): the MAAS client's HTTP transport over Ansible's ``open_url`` - certificate
validation, a CA file, a timeout and the proxy environment as every Ansible module has them, redirects never
followed - with the failures that are not HTTP answers sorted into kinds the client words (refused, tls,
timeout, reset, truncated, protocol).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import http.client
import os
import socket
import ssl
import time

from ansible.module_utils.basic import env_fallback, missing_required_lib
from ansible.module_utils.six.moves.urllib.error import HTTPError, URLError
from ansible.module_utils.urls import SSLValidationError, open_url

from ansible_collections.kvmnet.netboot.plugins.module_utils.maas.client import (
    HAS_OAUTHLIB, OAUTHLIB_IMPORT_ERROR, MaasClient, MaasError, TransportError, plaintext_warning)

# The options every MAAS module shares (doc fragment kvmnet.netboot.maas).
MAAS_ARGUMENT_SPEC = dict(
    url=dict(type='str', required=True, fallback=(env_fallback, ['MAAS_URL'])),
    api_key=dict(type='str', required=True, no_log=True, fallback=(env_fallback, ['MAAS_API_KEY'])),
    validate_certs=dict(type='bool', default=True),
    ca_path=dict(type='path'),
    timeout=dict(type='int', default=30),
)


def _kind(reason):
    if isinstance(reason, (ssl.SSLError, ssl.CertificateError, SSLValidationError)):
        return 'tls'
    if isinstance(reason, ConnectionRefusedError):
        return 'refused'
    if isinstance(reason, ConnectionResetError):  # RemoteDisconnected too: the peer closed before answering
        return 'reset'
    if isinstance(reason, socket.timeout):
        return 'timeout'
    if isinstance(reason, http.client.IncompleteRead):
        return 'truncated'
    if isinstance(reason, http.client.HTTPException):
        return 'protocol'
    return 'other'


# The answer headers the client reads.
HEADERS = ('content-type', 'retry-after', 'location')


def _headers(found):
    return dict((name, found.get(name)) for name in HEADERS) if found is not None else {}


def open_url_transport(validate_certs=True, ca_path=None):
    """A transport for maas.client.MaasClient: ``(status, body, headers)``; a redirect comes back as an answer."""
    def send(method, url, headers, body, timeout):
        try:
            answer = open_url(url, data=body, headers=headers, method=method, validate_certs=validate_certs,
                              ca_path=ca_path, timeout=timeout, follow_redirects='none')
            return answer.getcode(), answer.read(), _headers(answer.headers)
        except HTTPError as exc:
            try:
                payload = exc.read() if exc.fp else b''
            except http.client.HTTPException:
                payload = b''
            return exc.code, payload, _headers(exc.headers)
        except URLError as exc:
            raise TransportError(_kind(exc.reason), str(exc.reason))
        except (SSLValidationError, ssl.SSLError, ConnectionError, socket.timeout, http.client.HTTPException) as exc:
            raise TransportError(_kind(exc), '%s: %s' % (type(exc).__name__, exc) if str(exc) else type(exc).__name__)
    return send


def run_with_client(module, action, expected=()):
    """A MaasClient for the module's options, then ``action(module, client)``; the client's errors and the
    ``expected`` core errors become fail_json with their message (which never holds the API key)."""
    if not HAS_OAUTHLIB:
        module.fail_json(msg=missing_required_lib('oauthlib'), exception=str(OAUTHLIB_IMPORT_ERROR))
    params = module.params
    if params['ca_path'] and not (os.path.isfile(params['ca_path']) and os.access(params['ca_path'], os.R_OK)):
        module.fail_json(msg='ca_path %s is not a readable file: give the PEM file of the CA that signed MAAS\'s '
                             'certificate' % params['ca_path'])
    transport = open_url_transport(params['validate_certs'], params['ca_path'])
    warning = plaintext_warning(params['url'])
    if warning:
        module.warn(warning)
    caught = (MaasError,) + tuple(expected)
    try:
        return action(module, MaasClient(params['url'], params['api_key'], transport, time, params['timeout']))
    except caught as exc:
        module.fail_json(msg=str(exc))
