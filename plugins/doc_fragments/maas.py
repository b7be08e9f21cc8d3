# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):

    DOCUMENTATION = r'''
options:
  url:
    description:
      - The MAAS region, as users write it - C(https://maas.example.com:5443/MAAS) (its HTTPS endpoint) or
        C(http://maas.example.com:5240/MAAS); C(/api/2.0/) may be added or left out.
      - Every request carries the API key's token secret (OAuth PLAINTEXT) - over C(http://) to another machine
        unencrypted, which the module warns about. Redirects are never followed.
      - Default - the C(MAAS_URL) environment variable.
    type: str
    required: true
  api_key:
    description:
      - A MAAS API key, C(consumer_key:token_key:token_secret) (C(maas apikey --username NAME) prints one).
        Requests are signed with OAuth 1.0a PLAINTEXT. The key never appears in a result or message.
      - Default - the C(MAAS_API_KEY) environment variable.
    type: str
    required: true
  validate_certs:
    description: Verify the region's TLS certificate (with C(https://)).
    type: bool
    default: true
  ca_path:
    description: A CA certificate file (PEM) to verify the region's certificate with.
    type: path
  timeout:
    description: Seconds to wait for each answer, 1-3600.
    type: int
    default: 30
attributes:
  action_group:
    membership: [kvmnet.netboot.maas]
  platform:
    platforms: posix
notes:
  - All MAAS modules are in the action group C(kvmnet.netboot.maas), so C(module_defaults) can set these
    options once.
requirements:
  - oauthlib (C(python3-oauthlib)) where the module runs
'''

    # A MAAS module that only reads.
    INFO_MODULE = r'''
attributes:
  check_mode:
    support: full
    details: The module only reads.
  diff_mode:
    support: none
'''
