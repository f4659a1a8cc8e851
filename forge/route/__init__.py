"""The router: for each task, the cheapest model likely to succeed, with the reasons. Pure decisions."""
