# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""MAAS's captured example answers (tests/unit/fixtures/maas, SOURCES.md): where the double's answers start."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy
import json
import os

from kvmnet_lab import REPO_ROOT

FIXTURES = os.path.join(REPO_ROOT, 'tests', 'unit', 'fixtures', 'maas')


def capture(name, key):
    """A fresh copy of answer ``key`` of capture file maas-api-examples-``name``.json."""
    with open(os.path.join(FIXTURES, 'maas-api-examples-%s.json' % name)) as handle:
        return copy.deepcopy(json.load(handle)[key])
