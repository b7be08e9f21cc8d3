# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""libvirt documents and the libvirt shell: network and domain XML read into records and rendered from
specs with lxml, the plans that decide how a network or domain changes, volume and pool XML, and the
two shells - ``connection`` (the only importer of libvirt-python) and ``ansible_glue`` (the
``uri`` option, required libraries and the connection as module failures)."""
