# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Decide how kvm_storage_pool brings a directory storage pool to its state: define, build, start,
autostart - or stop and undefine. Pure: the steps are executed by the module."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import posixpath
from collections import namedtuple

from ansible_collections.kvmnet.netboot.plugins.module_utils.common.diff import DifferenceTracker
from ansible_collections.kvmnet.netboot.plugins.module_utils.common.names import object_name_problem, text_problem
from ansible_collections.kvmnet.netboot.plugins.module_utils.common.plan import Plan
from ansible_collections.kvmnet.netboot.plugins.module_utils.libvirt.pool_render import pool_xml

# What libvirt shows of an existing pool; None when it does not exist.
PoolFound = namedtuple('PoolFound', 'path active autostart')


class PoolSpecError(ValueError):
    """The requested pool is not valid; the message names the option."""


def check_pool_request(name, path):
    """Raise PoolSpecError unless ``name`` is a pool name and ``path`` (when given) an absolute, normalised
    directory path: libvirt takes a relative one too, and then builds the pool relative to its own working
    directory."""
    problem = object_name_problem(name) or (text_problem(path, 'path') if path is not None else None)
    if problem:
        raise PoolSpecError(problem)
    if path is not None and (not posixpath.isabs(path) or posixpath.normpath(path) != path.rstrip('/') or path == '/'):
        raise PoolSpecError('path %r must be an absolute directory path without "." or ".." parts (not /), such as '
                            '/var/lib/libvirt/images' % (path,))


def plan_pool(name, found, state, path=None, autostart=True):
    """The Plan bringing storage pool ``name`` to ``state`` (active or absent); ``predicted`` holds the ``pool``
    result. Steps, in order: define (the XML), build, start, autostart (bool), destroy, undefine."""
    tracker = DifferenceTracker()
    if state == 'absent':
        tracker.add('defined', found is not None, False)
        steps = [] if found is None else ([('destroy', None)] if found.active else []) + [('undefine', None)]
        return Plan(steps, tracker, {'pool': {'name': name, 'path': None, 'active': False, 'autostart': False}})
    steps = []
    tracker.add('defined', found is not None, True)
    if found is None:
        steps += [('define', pool_xml(name, path)), ('build', None)]
    tracker.add('active', bool(found and found.active), True)
    if not (found and found.active):
        steps.append(('start', None))
    tracker.add('autostart', bool(found and found.autostart), autostart)
    if bool(found and found.autostart) != autostart:
        steps.append(('autostart', autostart))
    pool = {'name': name, 'path': found.path if found else path, 'active': True, 'autostart': autostart}
    return Plan(steps, tracker, {'pool': pool})


def path_note(name, found, path):
    """What to tell the user when an existing pool uses another path than the one asked for (it is left as it is)."""
    if found is not None and path and found.path != path:
        return 'storage pool %s already uses %s, not %s; left as it is' % (name, found.path, path)
    return None


def missing_path(name, found, state, path):
    """Why the request cannot be planned (a new pool without a path), or None."""
    if found is None and state == 'active' and not path:
        return 'storage pool %s does not exist: give path to define it' % name
    return None
