# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""One record of what differs between the state found and the state wanted.

A plan adds every field it compares; ``changed`` and the ``diff`` a module returns both come from
this record, so they can never disagree (community.docker's DifferenceTracker works the same way).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json


def diff_text(value):
    """A value as Ansible's diff callbacks print it: text as it is, nothing as empty, anything else (a flag, a
    number, a list, a mapping) as indented JSON - the default callback splits ``before``/``after`` into lines."""
    if value is None:
        return ''
    if isinstance(value, str):
        return value
    return json.dumps(value, indent=2, sort_keys=True, default=str) + '\n'


class DifferenceTracker(object):
    """Named ``(before, after)`` pairs, in the order they were added."""

    def __init__(self):
        self._items = []

    def add(self, name, before, after):
        """Record field ``name``; it counts as a difference only when ``before != after``."""
        self._items.append((name, before, after))

    @property
    def changed(self):
        return any(before != after for dummy, before, after in self._items)

    def differences(self):
        """The names of the fields that differ."""
        return [name for name, before, after in self._items if before != after]

    def after(self, name, default=None):
        """The wanted value recorded for ``name`` (``default`` when it was not compared)."""
        for item_name, dummy, after in self._items:
            if item_name == name:
                return after
        return default

    def as_diff(self):
        """Ansible's ``diff``: one entry per differing field, every ``before`` and ``after`` text (diff_text)."""
        return [{'before_header': name, 'before': diff_text(before), 'after_header': name, 'after': diff_text(after)}
                for name, before, after in self._items if before != after]
