# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Shell (reads /sys/class/net): what it says of the host's links - does a device exist, is it a bridge, which
MACs are in use. ``root`` is a parameter so tests can point it at a directory of their own."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os

SYS_NET = '/sys/class/net'


def device_exists(name, root=SYS_NET):
    return os.path.exists(os.path.join(root, name))


def is_bridge(name, root=SYS_NET):
    return os.path.isdir(os.path.join(root, name, 'bridge'))


def link_names_and_macs(root=SYS_NET):
    """``{link name: lower-case MAC or None}`` for every link of the host."""
    links = {}
    if not os.path.isdir(root):
        return links
    for link in os.listdir(root):
        try:
            with open(os.path.join(root, link, 'address')) as handle:
                links[link] = handle.read().strip().lower() or None
        except (IOError, OSError):
            links[link] = None
    return links
