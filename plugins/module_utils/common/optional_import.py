# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Import a library the target may lack (netaddr, lxml, libvirt-python) without failing at import
time: the module then fails with missing_required_lib, saying what to install."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import importlib


def optional_import(name):
    """``(module, None)``, or ``(None, the ImportError)`` when ``name`` cannot be imported."""
    try:
        return importlib.import_module(name), None
    except ImportError as exc:  # pragma: no cover - exercised on targets without the library
        return None, exc
