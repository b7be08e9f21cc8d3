# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""MAAS's captured example answers (tests/unit/fixtures/maas, SOURCES.md): where the double's answers start,
and what its conformance test holds every answer to."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy
import functools
import json
import os

from kvmnet_lab import REPO_ROOT

FIXTURES = os.path.join(REPO_ROOT, 'tests', 'unit', 'fixtures', 'maas')


@functools.lru_cache(maxsize=None)
def _load(name):
    with open(os.path.join(FIXTURES, 'maas-api-examples-%s.json' % name)) as handle:
        return json.load(handle)


def capture(name, key):
    """A fresh copy of answer ``key`` of capture file maas-api-examples-``name``.json."""
    return copy.deepcopy(_load(name)[key])


def template(*where, **values):
    """A fresh copy of a captured record (``where``: capture file name and example, as for capture; the first
    record of a list answer) with ``values`` set: every field MAAS gives, and only those (a value for a field the
    capture lacks is an error)."""
    name, key = where
    record = capture(name, key)
    record = record[0] if isinstance(record, list) else record
    unknown = sorted(set(values) - set(record))
    if unknown:
        raise KeyError('MAAS does not give %s in %s/%s' % (', '.join(unknown), name, key))
    record.update(values)
    return record
