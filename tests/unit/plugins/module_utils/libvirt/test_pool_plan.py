# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""kvm_storage_pool's decisions: the plan from a pool's state, and the path checks (a table each)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

import pytest
from lxml import etree

from ansible_collections.kvmnet.netboot.plugins.module_utils.libvirt.pool_plan import (
    PoolFound, PoolSpecError, check_pool_request, missing_path, path_note, plan_pool)

IMAGES = '/var/lib/libvirt/images'


@pytest.mark.parametrize('found, state, autostart, steps, changed', [
    (None, 'active', True, ['define', 'build', 'start', 'autostart'], True),
    (None, 'active', False, ['define', 'build', 'start'], True),
    (PoolFound(IMAGES, False, True), 'active', True, ['start'], True),
    (PoolFound(IMAGES, True, False), 'active', True, ['autostart'], True),
    (PoolFound(IMAGES, True, True), 'active', True, [], False),
    (PoolFound(IMAGES, True, True), 'absent', True, ['destroy', 'undefine'], True),
    (PoolFound(IMAGES, False, True), 'absent', True, ['undefine'], True),
    (None, 'absent', True, [], False),
], ids=['new', 'new without autostart', 'defined, down', 'autostart off', 'as wanted', 'remove running',
        'remove stopped', 'nothing to remove'])
def test_pool_plan(found, state, autostart, steps, changed):
    plan = plan_pool('kvmnet', found, state, IMAGES, autostart)
    assert [action for action, dummy in plan.steps] == steps
    assert plan.changed is changed
    pool = plan.predicted['pool']
    assert pool['active'] is (state == 'active') and pool['autostart'] is (state == 'active' and autostart)


def test_a_new_pool_is_defined_on_its_path():
    define = dict(plan_pool('kvmnet', None, 'active', IMAGES).steps)['define']
    root = etree.fromstring(define.encode())
    assert root.get('type') == 'dir' and root.findtext('name') == 'kvmnet' and root.findtext('target/path') == IMAGES


def test_an_existing_pool_keeps_its_path_and_says_so():
    found = PoolFound('/srv/pool', True, True)
    assert plan_pool('kvmnet', found, 'active', IMAGES).predicted['pool']['path'] == '/srv/pool'
    assert path_note('kvmnet', found, IMAGES) == 'storage pool kvmnet already uses /srv/pool, not %s; left as it is' % IMAGES
    assert path_note('kvmnet', found, '/srv/pool') is None and path_note('kvmnet', None, IMAGES) is None


@pytest.mark.parametrize('found, state, path, problem', [
    (None, 'active', None, 'storage pool kvmnet does not exist: give path to define it'),
    (None, 'active', IMAGES, None),
    (PoolFound(IMAGES, True, True), 'active', None, None),
    (None, 'absent', None, None),
])
def test_a_new_pool_needs_a_path(found, state, path, problem):
    assert missing_path('kvmnet', found, state, path) == problem


@pytest.mark.parametrize('name, path, words', [
    ('kvmnet', 'images', 'must be an absolute directory path'),
    ('kvmnet', '/var/lib/../tmp', 'without "." or ".." parts'),
    ('kvmnet', '/var/./lib', 'without "." or ".." parts'),
    ('kvmnet', '/', '(not /)'),
    ('kvmnet', '/var/lib\nimages', 'path'),
    ('a/b', IMAGES, 'may hold only'),
    ('', IMAGES, 'name is required'),
])
def test_path_and_name_checks(name, path, words):
    with pytest.raises(PoolSpecError, match=re.escape(words)):
        check_pool_request(name, path)


@pytest.mark.parametrize('path', [IMAGES, IMAGES + '/', None, '/srv/kvm pools'])
def test_good_paths_pass(path):
    check_pool_request('kvmnet', path)
