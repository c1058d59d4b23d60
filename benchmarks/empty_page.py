"""An empty page of the dashboard, for ``bench_pages.py``: registered in the navigation like every
page and run through ``dashboard.py``, it draws nothing of its own. Its run costs what the frame
every page shares costs (sign-in check, navigation, sidebar with the URL-bound selectors, demo
badge), the baseline the pages are measured against."""
