# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Shared helpers for the unit tests: the real captures in tests/unit/fixtures."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os

import pytest

FIXTURES = os.path.join(os.path.dirname(__file__), 'fixtures')


def read_fixture(name):
    with open(os.path.join(FIXTURES, name)) as handle:
        return handle.read()


def load_json_fixture(name):
    return json.loads(read_fixture(name))


@pytest.fixture
def fixture_text():
    return read_fixture


@pytest.fixture
def fixture_json():
    return load_json_fixture
