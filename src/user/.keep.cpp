// Keeps the ferry-user library non-empty while its front end is split across files.
