# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The lab around kvmnet.netboot - never shipped in the collection.

What the tests, ``make demo`` and the benchmarks share, installed into the build virtualenv by
``make venv`` (``pip install -e tools``) so that all of them import it the same way:

- ``shell``: one ``sh()`` to run a command, ``in_netns``, ``ip_json``;
- ``modules``: run a module file as Ansible's wrapper does (optionally measured), or through ``ansible``;
- ``maas_double``: the stateful test double of MAAS's region API;
- ``lab_safety``, ``lab_state``: what keeps the lab off the machine's own network and its state root's;
- ``netboot_lab`` and ``demo``: the PXE lab and ``make demo``.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os

# The checkout this package was installed from (tools/kvmnet_lab/ -> the repository's root).
REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
