"""CMS adapters: turn a ``SiteSpec`` into the files of a site for one CMS."""
