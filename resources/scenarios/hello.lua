-- hello.lua: two native µApps talk over an IPC gate, both log through cons.
--
-- ned creates the channel (an Ipc_gate); the server gets it with all rights
-- (:svr(), which includes binding it to its thread), the client only the
-- right to call it. Each gets its own console from cons.
local L4 = require "L4"

local channel = L4.default_loader:new_channel()

L4.default_loader:start({ caps = { server = channel:svr() }, log = { "server", "c" } }, "rom/hello-server")
L4.default_loader:start({ caps = { server = channel:m("rws") }, log = { "client", "g" } }, "rom/hello-client 5")
