# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one IP-family helper and the small address helpers over netaddr."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.kvmnet.netboot.plugins.module_utils.common import ip_math


@pytest.mark.parametrize('text, version, word', [
    ('198.51.100.7', 4, 'ipv4'), ('198.51.100.0/24', 4, 'ipv4'), ('2001:db8::7', 6, 'ipv6'),
    ('2001:db8::/32', 6, 'ipv6'), ('::ffff:198.51.100.7', 6, 'ipv6')])
def test_family(text, version, word):
    assert ip_math.family(text) == version and ip_math.family_word(text) == word


@pytest.mark.parametrize('text, result', [
    ('198.51.100.7', (4, '198.51.100.7')), ('2001:DB8::0007', (6, '2001:db8::7')), (' 198.51.100.7', None),
    ('10', None), ('198.51.100.0/24', None), ('198.51.100.256', None), (None, None)])
def test_host_address(text, result):
    if result is None:
        with pytest.raises(ValueError, match='is not an IPv4 or IPv6 address'):
            ip_math.host_address(text)
    else:
        assert ip_math.host_address(text) == result


def test_small_helpers():
    assert ip_math.normalise_address('2001:DB8::0001') == '2001:db8::1'
    assert ip_math.normalise_address('not an address') == 'not an address'
    assert ip_math.address_in_network('198.51.100.7', '198.51.100.0', 24)
    assert not ip_math.address_in_network('198.51.101.7', '198.51.100.0', 24)
    assert not ip_math.address_in_network('junk', '198.51.100.0', 24)
    assert ip_math.netmask_to_prefix('255.255.255.0') == 24
