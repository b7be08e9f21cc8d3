# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What a routed NIC may claim (nic_hooks.routed_claims): the one home of the rules kvm_vm_compose and the
NIC hook apply."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.kvmnet.netboot.plugins.module_utils.nic_hooks.routed_claims import (
    ClaimRefused, check_claim, policy_from, routed_address, routed_addresses, routed_table)

POLICY = policy_from(['198.51.100.0/24', '2001:db8::/32'], [4251], 2)


@pytest.mark.parametrize('text, canonical', [
    ('198.51.100.7', (4, '198.51.100.7')), ('2001:DB8::0007', (6, '2001:db8::7')), ('10.0.0.1', (4, '10.0.0.1')),
])
def test_global_unicast_addresses_are_accepted_in_canonical_form(text, canonical):
    assert routed_address(text) == canonical


@pytest.mark.parametrize('text, why', [
    ('0.0.0.0', '"this network"'), ('0.1.2.3', '"this network"'), ('::', 'unspecified'),
    ('127.0.0.1', 'loopback'), ('::1', 'loopback'), ('169.254.169.254', 'link-local'), ('fe80::1', 'link-local'),
    ('224.0.0.251', 'multicast'), ('ff02::1', 'multicast'), ('255.255.255.255', 'broadcast'),
    ('240.0.0.1', 'reserved'), ('::ffff:198.51.100.7', 'IPv4-mapped'), ('fec0::1', 'site-local'),
    ('198.51.100.0/24', 'not an IPv4 or IPv6 address'), ('10', 'not an IPv4 or IPv6 address'),
    ('198.51.100.7\n', 'not an IPv4 or IPv6 address'), (' 198.51.100.7', 'not an IPv4 or IPv6 address'),
    ('$(reboot)', 'not an IPv4 or IPv6 address'), ('*', 'not an IPv4 or IPv6 address'), (7, 'not an IPv4'),
    ('01.2.3.4', 'written in full'),
])
def test_anything_else_is_refused_with_the_reason(text, why):
    with pytest.raises(ClaimRefused, match=None) as exc:
        routed_address(text)
    assert why in str(exc.value)


@pytest.mark.parametrize('value, result', [(1, 1), ('4251', 4251), (2 ** 32 - 1, 2 ** 32 - 1)])
def test_tables_of_their_own_are_accepted(value, result):
    assert routed_table(value) == result


@pytest.mark.parametrize('value, why', [
    (0, "kernel's unspec table"), (253, "kernel's default table"), (254, "kernel's main table"),
    ('255', "kernel's local table"), (2 ** 32, 'out of range'), (-1, 'out of range'), ('main', 'not a routing table'),
    ('0x10', 'not a routing table'), ('1\n', 'not a routing table'), (True, 'not a routing table'),
    (1.5, 'not a routing table'),
])
def test_the_kernels_tables_and_non_numbers_are_refused(value, why):
    with pytest.raises(ClaimRefused) as exc:
        routed_table(value)
    assert why in str(exc.value)


def test_an_address_listed_twice_is_refused():
    with pytest.raises(ClaimRefused, match='2001:db8::7 is listed twice'):
        routed_addresses(['2001:db8::7', '2001:DB8::7'])


def test_a_claim_inside_the_allow_lists_is_accepted():
    assert check_claim(['198.51.100.7', '2001:DB8::7'], 4251, POLICY, ['198.51.100.1'], {'198.51.100.8': 'vm2'}) == (
        ('198.51.100.7', '2001:db8::7'), 4251)


@pytest.mark.parametrize('ips, table, held, claimed, why', [
    (['198.51.100.7'], None, (), {}, 'needs a routing table of its own'),
    (['198.51.100.7'], 100, (), {}, 'table 100 is not in the allowed routed tables (4251)'),
    (['203.0.113.7'], 4251, (), {}, '203.0.113.7 is outside the allowed routed prefixes (198.51.100.0/24, 2001:db8::/32)'),
    (['198.51.100.1'], 4251, ['198.51.100.1'], {}, '198.51.100.1 is held by an interface of this host'),
    (['198.51.100.7'], 4251, (), {'198.51.100.7': 'vm2 (uuid)'}, '198.51.100.7 is claimed by vm2 (uuid)'),
    (['198.51.100.7', '198.51.100.8', '198.51.100.9'], 4251, (), {}, '3 addresses; at most 2 are allowed per NIC'),
    ([], 4251, (), {}, 'needs at least one address'),
])
def test_a_claim_the_host_does_not_allow_is_refused(ips, table, held, claimed, why):
    with pytest.raises(ClaimRefused) as exc:
        check_claim(ips, table, POLICY, held, claimed)
    assert why in str(exc.value)


def test_the_allow_lists_deny_by_default():
    with pytest.raises(ClaimRefused, match=r'none allowed'):
        check_claim(['198.51.100.7'], 4251, policy_from([], [], 8))


@pytest.mark.parametrize('prefixes, tables, max_ips, why', [
    (['not-a-net'], [1], 8, "routed prefix 'not-a-net' is not a network"),
    (['198.51.100.0/24'], [254], 8, "routed tables: table 254 is the kernel's main table"),
    (['198.51.100.0/24'], [1], 0, 'routed_max_ips must be a positive number'),
])
def test_invalid_settings_are_refused(prefixes, tables, max_ips, why):
    with pytest.raises(ClaimRefused) as exc:
        policy_from(prefixes, tables, max_ips)
    assert 'the hook settings are invalid' in str(exc.value) and why in str(exc.value)
