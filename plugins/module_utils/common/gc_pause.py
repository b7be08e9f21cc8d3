# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Pause Python's cyclic garbage collector around bulk work that makes no reference cycles.

Indexing a large provisioner model allocates millions of small objects (an integer per allocated
address). Each collection of the oldest generation rescans the whole heap, so with the collector on,
the time grows faster than the model. Reference counting still frees everything as usual.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import contextlib
import gc


@contextlib.contextmanager
def gc_paused():
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()
