# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Sphinx configuration of `make docs`: the plugin and role pages antsibull-docs writes, and the guides of docs/
(Markdown, through MyST). Started from `antsibull-docs sphinx-init`; no intersphinx (these machines reach no docs
site), warnings are errors (`-W`)."""

project = 'kvmnet.netboot'
copyright = 'kvmnet.netboot contributors'  # pylint: disable=redefined-builtin
title = 'kvmnet.netboot: KVM hosts whose VMs PXE-boot from MAAS'
html_short_title = 'kvmnet.netboot'
extensions = ['sphinx.ext.autodoc', 'sphinx_antsibull_ext', 'myst_parser', 'sphinxcontrib.mermaid']
myst_fence_as_directive = ['mermaid']
source_suffix = {'.rst': 'restructuredtext', '.md': 'markdown'}
myst_heading_anchors = 3
pygments_style = 'ansible'
highlight_language = 'YAML+Jinja'
html_theme = 'sphinx_ansible_theme'
html_show_sphinx = False
display_version = False
html_use_smartypants = True
html_use_modindex = False
html_use_index = False
html_copy_source = False
default_role = 'any'
nitpicky = True
