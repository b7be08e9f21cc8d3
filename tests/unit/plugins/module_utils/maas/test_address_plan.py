# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""maas_ip_address's decisions: what a request needs per class, who may force, and the plan (a table each)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

import pytest

from ansible_collections.kvmnet.netboot.plugins.module_utils.maas.address_plan import (
    AddressRequestError, address_record, check_force, check_request, plan_address)


def params(**given):
    base = {'state': 'present', 'class': 'floating', 'ip': None, 'subnet': '198.51.100.0/24', 'mac': None,
            'hostname': None, 'node': None, 'interface': None, 'force': False}
    base.update(given)
    return base


@pytest.mark.parametrize('given, mac', [
    ({}, None),
    ({'ip': '198.51.100.7'}, None),
    ({'class': 'nic', 'mac': '52:54:00:AB:00:01'}, '52:54:00:ab:00:01'),
    ({'class': 'sticky', 'node': 'node01', 'interface': 'eth0', 'subnet': None}, None),
    ({'class': 'sticky', 'node': 'node01', 'mac': '52:54:00:ab:00:01'}, '52:54:00:ab:00:01'),
    ({'state': 'absent', 'subnet': None, 'hostname': 'vip'}, None),
])
def test_requests_each_class_takes(given, mac):
    assert check_request(params(**given)) == mac


@pytest.mark.parametrize('given, words', [
    ({'class': 'nic'}, 'class nic needs mac'),
    ({'class': 'sticky', 'node': 'node01'}, 'class sticky needs node'),
    ({'class': 'sticky', 'interface': 'eth0'}, 'class sticky needs node'),
    ({'mac': '52:54:00:ab:00:01'}, 'class floating is tied to no hardware'),
    ({'ip': '198.51.100.300'}, "ip '198.51.100.300' is not an IP address"),
    ({'ip': '203.0.113.7'}, 'ip 203.0.113.7 is outside subnet 198.51.100.0/24'),
    ({'subnet': None}, 'give ip, or subnet for MAAS to pick one from'),
    ({'class': 'nic', 'mac': 'not-a-mac'}, 'mac'),
])
def test_requests_refused(given, words):
    with pytest.raises(AddressRequestError, match=re.escape(words)):
        check_request(params(**given))


@pytest.mark.parametrize('force, admin, refused', [
    (False, False, False), (False, True, False), (True, True, False), (True, False, True)])
def test_force_needs_an_administrator(force, admin, refused):
    if refused:
        with pytest.raises(AddressRequestError, match="force is for MAAS administrators; the key's user alice"):
            check_force(params(force=force), 'alice', admin)
    else:
        check_force(params(force=force), 'alice', admin)


MINE = address_record('floating', '198.51.100.7', '198.51.100.0/24', owner='alice')
THEIRS = address_record('floating', '198.51.100.8', '198.51.100.0/24', owner='bob')
STICKY = address_record('sticky', '198.51.100.9', '198.51.100.0/24', node={'system_id': 'n1'})


@pytest.mark.parametrize('state, found, force, steps, changed', [
    ('present', None, False, [('reserve', None)], True),
    ('present', MINE, False, [], False),
    ('absent', None, False, [], False),
    ('absent', MINE, False, [('release', MINE)], True),
    ('absent', THEIRS, True, [('release', THEIRS)], True),
    ('absent', STICKY, False, [('release', STICKY)], True),          # a node's address has no owner
], ids=['reserve', 'already reserved', 'nothing to release', 'release mine', "release another's with force",
        'release a sticky address'])
def test_address_plan(state, found, force, steps, changed):
    plan = plan_address(params(state=state, force=force), found, 'alice')
    assert plan.steps == steps and plan.changed is changed


def test_another_owners_address_is_not_released_without_force():
    with pytest.raises(AddressRequestError, match='floating address 198.51.100.8 belongs to bob: release it with force'):
        plan_address(params(state='absent'), THEIRS, 'alice')


def test_the_record_speaks_maas_names():
    assert address_record('nic', '198.51.100.7', mac='52:54:00:ab:00:01') == {
        'ip': '198.51.100.7', 'class': 'nic', 'alloc_type': 4, 'alloc_type_name': 'USER_RESERVED', 'subnet': None,
        'owner': None, 'mac': '52:54:00:ab:00:01', 'node': None}
    assert address_record('sticky', '198.51.100.9')['alloc_type_name'] == 'STICKY'
