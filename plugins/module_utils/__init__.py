# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Code shared by the collection's modules, organised by pipeline stage: host -> policy -> vm/libvirt
-> bridge -> report, on top of common. See docs/architecture.md."""
