/// The OpenAPI 3 description of the REST admin API (`AdminRoutes`), served at
/// `/api/openapi.json`; the interop tests check the server against it with schemathesis.
enum OpenAPIDocument {
    static let json = #"""
{
 "openapi": "3.0.3",
 "info": {
  "title": "Rampart REST admin API",
  "version": "1",
  "description": "Users, service accounts, registered AEs, the audit log (events, timeline, anomalies), the access policy and its explanations, the certificates and the server's status. Every request needs a bearer token (rampart token issue) or HTTP Basic credentials; each is decided by the access policy (administer, or audit for the audit log) and recorded in the audit log. Problems are RFC 9457 documents."
 },
 "servers": [
  {
   "url": "/api"
  }
 ],
 "security": [
  {
   "bearer": []
  },
  {
   "basic": []
  }
 ],
 "paths": {
  "/openapi.json": {
   "get": {
    "summary": "This document",
    "operationId": "openapi",
    "responses": {
     "400": {
      "$ref": "#/components/responses/Problem"
     },
     "401": {
      "$ref": "#/components/responses/Problem"
     },
     "403": {
      "$ref": "#/components/responses/Problem"
     },
     "200": {
      "description": "The OpenAPI document",
      "content": {
       "application/json": {
        "schema": {
         "type": "object"
        }
       }
      }
     }
    }
   }
  },
  "/status": {
   "get": {
    "summary": "What the server holds and admits",
    "operationId": "status",
    "responses": {
     "400": {
      "$ref": "#/components/responses/Problem"
     },
     "401": {
      "$ref": "#/components/responses/Problem"
     },
     "403": {
      "$ref": "#/components/responses/Problem"
     },
     "200": {
      "description": "The status",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/ServerStatus"
        }
       }
      }
     }
    }
   }
  },
  "/users": {
   "get": {
    "summary": "The user accounts",
    "operationId": "listUsers",
    "responses": {
     "400": {
      "$ref": "#/components/responses/Problem"
     },
     "401": {
      "$ref": "#/components/responses/Problem"
     },
     "403": {
      "$ref": "#/components/responses/Problem"
     },
     "200": {
      "description": "Every user",
      "content": {
       "application/json": {
        "schema": {
         "type": "array",
         "items": {
          "$ref": "#/components/schemas/User"
         }
        }
       }
      }
     }
    }
   },
   "post": {
    "summary": "Add a user with a generated password, shown once",
    "operationId": "addUser",
    "requestBody": {
     "required": true,
     "content": {
      "application/json": {
       "schema": {
        "$ref": "#/components/schemas/NewUser"
       }
      }
     }
    },
    "responses": {
     "400": {
      "$ref": "#/components/responses/Problem"
     },
     "401": {
      "$ref": "#/components/responses/Problem"
     },
     "403": {
      "$ref": "#/components/responses/Problem"
     },
     "201": {
      "description": "The user's name and password",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/IssuedCredential"
        }
       }
      }
     },
     "409": {
      "$ref": "#/components/responses/Problem"
     }
    }
   }
  },
  "/users/{name}": {
   "parameters": [
    {
     "name": "name",
     "in": "path",
     "required": true,
     "schema": {
      "$ref": "#/components/schemas/AccountName"
     }
    }
   ],
   "get": {
    "summary": "One user",
    "operationId": "getUser",
    "responses": {
     "400": {
      "$ref": "#/components/responses/Problem"
     },
     "401": {
      "$ref": "#/components/responses/Problem"
     },
     "403": {
      "$ref": "#/components/responses/Problem"
     },
     "200": {
      "description": "The user",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/User"
        }
       }
      }
     },
     "404": {
      "$ref": "#/components/responses/Problem"
     }
    }
   },
   "patch": {
    "summary": "Change a user's roles, person name, or whether it is disabled",
    "operationId": "changeUser",
    "requestBody": {
     "required": true,
     "content": {
      "application/json": {
       "schema": {
        "$ref": "#/components/schemas/UserChange"
       }
      }
     }
    },
    "responses": {
     "400": {
      "$ref": "#/components/responses/Problem"
     },
     "401": {
      "$ref": "#/components/responses/Problem"
     },
     "403": {
      "$ref": "#/components/responses/Problem"
     },
     "200": {
      "description": "The user as changed",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/User"
        }
       }
      }
     },
     "404": {
      "$ref": "#/components/responses/Problem"
     }
    }
   },
   "delete": {
    "summary": "Remove a user",
    "operationId": "removeUser",
    "responses": {
     "204": {
      "description": "Removed"
     },
     "400": {
      "$ref": "#/components/responses/Problem"
     },
     "401": {
      "$ref": "#/components/responses/Problem"
     },
     "403": {
      "$ref": "#/components/responses/Problem"
     },
     "404": {
      "$ref": "#/components/responses/Problem"
     }
    }
   }
  },
  "/users/{name}/password": {
   "parameters": [
    {
     "name": "name",
     "in": "path",
     "required": true,
     "schema": {
      "$ref": "#/components/schemas/AccountName"
     }
    }
   ],
   "post": {
    "summary": "Give a user a new generated password, shown once",
    "operationId": "newPassword",
    "responses": {
     "400": {
      "$ref": "#/components/responses/Problem"
     },
     "401": {
      "$ref": "#/components/responses/Problem"
     },
     "403": {
      "$ref": "#/components/responses/Problem"
     },
     "200": {
      "description": "The new password",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/IssuedCredential"
        }
       }
      }
     },
     "404": {
      "$ref": "#/components/responses/Problem"
     }
    }
   }
  },
  "/services": {
   "get": {
    "summary": "The service accounts",
    "operationId": "listServices",
    "responses": {
     "400": {
      "$ref": "#/components/responses/Problem"
     },
     "401": {
      "$ref": "#/components/responses/Problem"
     },
     "403": {
      "$ref": "#/components/responses/Problem"
     },
     "200": {
      "description": "Every service account",
      "content": {
       "application/json": {
        "schema": {
         "type": "array",
         "items": {
          "$ref": "#/components/schemas/Service"
         }
        }
       }
      }
     }
    }
   },
   "post": {
    "summary": "Add a service account with a generated API key, shown once",
    "operationId": "addService",
    "requestBody": {
     "required": true,
     "content": {
      "application/json": {
       "schema": {
        "$ref": "#/components/schemas/NewService"
       }
      }
     }
    },
    "responses": {
     "400": {
      "$ref": "#/components/responses/Problem"
     },
     "401": {
      "$ref": "#/components/responses/Problem"
     },
     "403": {
      "$ref": "#/components/responses/Problem"
     },
     "201": {
      "description": "The service's name and API key",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/IssuedCredential"
        }
       }
      }
     },
     "409": {
      "$ref": "#/components/responses/Problem"
     }
    }
   }
  },
  "/services/{name}/revoke": {
   "parameters": [
    {
     "name": "name",
     "in": "path",
     "required": true,
     "schema": {
      "$ref": "#/components/schemas/AccountName"
     }
    }
   ],
   "post": {
    "summary": "Revoke a service's API key",
    "operationId": "revokeService",
    "responses": {
     "400": {
      "$ref": "#/components/responses/Problem"
     },
     "401": {
      "$ref": "#/components/responses/Problem"
     },
     "403": {
      "$ref": "#/components/responses/Problem"
     },
     "200": {
      "description": "The service as revoked",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Service"
        }
       }
      }
     },
     "404": {
      "$ref": "#/components/responses/Problem"
     }
    }
   }
  },
  "/aes": {
   "get": {
    "summary": "The registered AEs, legacy exceptions marked",
    "operationId": "listAEs",
    "responses": {
     "400": {
      "$ref": "#/components/responses/Problem"
     },
     "401": {
      "$ref": "#/components/responses/Problem"
     },
     "403": {
      "$ref": "#/components/responses/Problem"
     },
     "200": {
      "description": "Every registered AE",
      "content": {
       "application/json": {
        "schema": {
         "type": "array",
         "items": {
          "$ref": "#/components/schemas/ApplicationEntity"
         }
        }
       }
      }
     }
    }
   }
  },
  "/aes/{title}": {
   "parameters": [
    {
     "name": "title",
     "in": "path",
     "required": true,
     "schema": {
      "type": "string",
      "pattern": "^[ -\\[\\]-~]{1,16}$"
     }
    }
   ],
   "put": {
    "summary": "Register an AE (or change its host, port and roles)",
    "operationId": "putAE",
    "requestBody": {
     "required": true,
     "content": {
      "application/json": {
       "schema": {
        "$ref": "#/components/schemas/ApplicationEntityChange"
       }
      }
     }
    },
    "responses": {
     "400": {
      "$ref": "#/components/responses/Problem"
     },
     "401": {
      "$ref": "#/components/responses/Problem"
     },
     "403": {
      "$ref": "#/components/responses/Problem"
     },
     "200": {
      "description": "The AE as registered",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/ApplicationEntity"
        }
       }
      }
     }
    }
   },
   "delete": {
    "summary": "Remove a registered AE",
    "operationId": "removeAE",
    "responses": {
     "400": {
      "$ref": "#/components/responses/Problem"
     },
     "401": {
      "$ref": "#/components/responses/Problem"
     },
     "403": {
      "$ref": "#/components/responses/Problem"
     },
     "204": {
      "description": "Removed"
     },
     "404": {
      "$ref": "#/components/responses/Problem"
     }
    }
   }
  },
  "/audit/events": {
   "get": {
    "summary": "Audit events, oldest first (the newest `limit` that match)",
    "operationId": "auditEvents",
    "parameters": [
     {
      "name": "patient_id",
      "in": "query",
      "schema": {
       "type": "string"
      }
     },
     {
      "name": "study",
      "in": "query",
      "schema": {
       "type": "string"
      }
     },
     {
      "name": "user",
      "in": "query",
      "schema": {
       "type": "string"
      }
     },
     {
      "name": "from",
      "in": "query",
      "schema": {
       "type": "string",
       "format": "date-time"
      }
     },
     {
      "name": "to",
      "in": "query",
      "schema": {
       "type": "string",
       "format": "date-time"
      }
     },
     {
      "name": "source",
      "in": "query",
      "description": "An address or a CIDR network",
      "schema": {
       "type": "string"
      }
     },
     {
      "name": "outcome",
      "in": "query",
      "schema": {
       "type": "string",
       "enum": [
        "success",
        "denied",
        "failed"
       ]
      }
     },
     {
      "name": "kind",
      "in": "query",
      "schema": {
       "type": "string"
      }
     },
     {
      "name": "limit",
      "in": "query",
      "schema": {
       "type": "integer",
       "minimum": 1,
       "maximum": 100000
      }
     }
    ],
    "responses": {
     "400": {
      "$ref": "#/components/responses/Problem"
     },
     "401": {
      "$ref": "#/components/responses/Problem"
     },
     "403": {
      "$ref": "#/components/responses/Problem"
     },
     "200": {
      "description": "The events",
      "content": {
       "application/json": {
        "schema": {
         "type": "array",
         "items": {
          "$ref": "#/components/schemas/RecordedAuditEvent"
         }
        }
       }
      }
     }
    }
   }
  },
  "/audit/timeline": {
   "get": {
    "summary": "Audit events counted per hour or day and outcome (an audit log use, recorded)",
    "operationId": "auditTimeline",
    "parameters": [
     {
      "name": "from",
      "in": "query",
      "description": "Default: a day before to",
      "schema": {
       "type": "string",
       "format": "date-time"
      }
     },
     {
      "name": "to",
      "in": "query",
      "description": "Exclusive; default: now",
      "schema": {
       "type": "string",
       "format": "date-time"
      }
     },
     {
      "name": "bucket",
      "in": "query",
      "schema": {
       "type": "string",
       "enum": [
        "hour",
        "day"
       ]
      }
     }
    ],
    "responses": {
     "400": {
      "$ref": "#/components/responses/Problem"
     },
     "401": {
      "$ref": "#/components/responses/Problem"
     },
     "403": {
      "$ref": "#/components/responses/Problem"
     },
     "200": {
      "description": "The counts, every bucket of the period",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/AuditTimeline"
        }
       }
      }
     }
    }
   }
  },
  "/audit/anomalies": {
   "get": {
    "summary": "Accesses worth a look: break-the-glass, many patients in a short time, repeated denials, a new network or device (an audit log use, recorded)",
    "operationId": "auditAnomalies",
    "parameters": [
     {
      "name": "from",
      "in": "query",
      "description": "Default: a day before to",
      "schema": {
       "type": "string",
       "format": "date-time"
      }
     },
     {
      "name": "to",
      "in": "query",
      "description": "Exclusive; default: now",
      "schema": {
       "type": "string",
       "format": "date-time"
      }
     }
    ],
    "responses": {
     "400": {
      "$ref": "#/components/responses/Problem"
     },
     "401": {
      "$ref": "#/components/responses/Problem"
     },
     "403": {
      "$ref": "#/components/responses/Problem"
     },
     "200": {
      "description": "The anomalies",
      "content": {
       "application/json": {
        "schema": {
         "type": "array",
         "items": {
          "$ref": "#/components/schemas/AuditAnomaly"
         }
        }
       }
      }
     }
    }
   }
  },
  "/policy": {
   "get": {
    "summary": "The access policy in force: roles, conditions, views, and the policy file's text",
    "operationId": "policy",
    "responses": {
     "400": {
      "$ref": "#/components/responses/Problem"
     },
     "401": {
      "$ref": "#/components/responses/Problem"
     },
     "403": {
      "$ref": "#/components/responses/Problem"
     },
     "200": {
      "description": "The policy",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Policy"
        }
       }
      }
     }
    }
   }
  },
  "/policy/explain": {
   "post": {
    "summary": "What the gate would decide for one access and why, role by role (rampart policy check); nothing is granted",
    "operationId": "explainPolicy",
    "requestBody": {
     "required": true,
     "content": {
      "application/json": {
       "schema": {
        "$ref": "#/components/schemas/PolicyQuestion"
       }
      }
     }
    },
    "responses": {
     "400": {
      "$ref": "#/components/responses/Problem"
     },
     "401": {
      "$ref": "#/components/responses/Problem"
     },
     "403": {
      "$ref": "#/components/responses/Problem"
     },
     "200": {
      "description": "The decision and its reasons",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/PolicyExplanation"
        }
       }
      }
     }
    }
   }
  },
  "/settings": {
   "get": {
    "summary": "The settings that may change while the server runs (association limits, HTTP request rate, case of person names), with their values in force and where each comes from",
    "operationId": "settings",
    "responses": {
     "400": {
      "$ref": "#/components/responses/Problem"
     },
     "401": {
      "$ref": "#/components/responses/Problem"
     },
     "403": {
      "$ref": "#/components/responses/Problem"
     },
     "200": {
      "description": "The settings",
      "content": {
       "application/json": {
        "schema": {
         "type": "array",
         "items": {
          "$ref": "#/components/schemas/Setting"
         }
        }
       }
      }
     }
    }
   },
   "patch": {
    "summary": "Change some of them, all or none: in force from the next association or request, kept in settings.json across restarts, recorded as a security event",
    "operationId": "changeSettings",
    "requestBody": {
     "required": true,
     "content": {
      "application/json": {
       "schema": {
        "$ref": "#/components/schemas/SettingChange"
       }
      }
     }
    },
    "responses": {
     "400": {
      "$ref": "#/components/responses/Problem"
     },
     "401": {
      "$ref": "#/components/responses/Problem"
     },
     "403": {
      "$ref": "#/components/responses/Problem"
     },
     "200": {
      "description": "The settings as changed",
      "content": {
       "application/json": {
        "schema": {
         "type": "array",
         "items": {
          "$ref": "#/components/schemas/Setting"
         }
        }
       }
      }
     }
    }
   }
  },
  "/certificates": {
   "get": {
    "summary": "The server's TLS certificate, the local CA's, and the client certificates AEs are bound to (no private key)",
    "operationId": "certificates",
    "responses": {
     "400": {
      "$ref": "#/components/responses/Problem"
     },
     "401": {
      "$ref": "#/components/responses/Problem"
     },
     "403": {
      "$ref": "#/components/responses/Problem"
     },
     "200": {
      "description": "The certificates",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/CertificateReport"
        }
       }
      }
     }
    }
   }
  },
  "/findings": {
   "get": {
    "summary": "The server's latest self-scan: its own listeners probed from this host as rampart scan probes them, and its configuration",
    "operationId": "findings",
    "responses": {
     "401": {
      "$ref": "#/components/responses/Problem"
     },
     "403": {
      "$ref": "#/components/responses/Problem"
     },
     "200": {
      "description": "The self-scan's findings, most severe first",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/ExposureReport"
        }
       }
      }
     }
    }
   }
  },
  "/findings/scan": {
   "post": {
    "summary": "Scan the server's own listeners and configuration now",
    "operationId": "scanFindings",
    "responses": {
     "401": {
      "$ref": "#/components/responses/Problem"
     },
     "403": {
      "$ref": "#/components/responses/Problem"
     },
     "200": {
      "description": "The new self-scan's findings, most severe first",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/ExposureReport"
        }
       }
      }
     }
    }
   }
  },
  "/session": {
   "post": {
    "summary": "Log in to the web UI: a session cookie (HttpOnly, SameSite=Strict, Secure over TLS) and its CSRF token",
    "operationId": "login",
    "security": [],
    "requestBody": {
     "required": true,
     "content": {
      "application/json": {
       "schema": {
        "$ref": "#/components/schemas/Login"
       }
      }
     }
    },
    "responses": {
     "200": {
      "description": "The session",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Session"
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/Problem"
     },
     "401": {
      "$ref": "#/components/responses/Problem"
     }
    }
   },
   "get": {
    "summary": "Who the request authenticates, and the session's CSRF token",
    "operationId": "session",
    "responses": {
     "200": {
      "description": "The session",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Session"
        }
       }
      }
     },
     "401": {
      "$ref": "#/components/responses/Problem"
     },
     "404": {
      "$ref": "#/components/responses/Problem"
     }
    }
   },
   "delete": {
    "summary": "Log out",
    "operationId": "logout",
    "responses": {
     "204": {
      "description": "The session ended"
     },
     "401": {
      "$ref": "#/components/responses/Problem"
     }
    }
   }
  },
  "/session/providers": {
   "get": {
    "summary": "The identity providers the web UI's login page offers (\"Log in with …\"): names only, nothing of where they are",
    "operationId": "loginProviders",
    "security": [],
    "responses": {
     "200": {
      "description": "The providers",
      "content": {
       "application/json": {
        "schema": {
         "type": "array",
         "items": {
          "$ref": "#/components/schemas/LoginProvider"
         }
        }
       }
      }
     }
    }
   }
  },
  "/session/oidc/start": {
   "post": {
    "summary": "Begin a login through an identity provider (authorization code flow with PKCE, done by the page): the provider's endpoints, a state and a nonce, and a cookie (rampart_login; HttpOnly, SameSite=Strict, 10 minutes) binding the login to this browser",
    "operationId": "beginProviderLogin",
    "security": [],
    "requestBody": {
     "required": true,
     "content": {
      "application/json": {
       "schema": {
        "$ref": "#/components/schemas/ProviderLoginRequest"
       }
      }
     }
    },
    "responses": {
     "200": {
      "description": "Where to send the user, and what to send",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/ProviderLoginStart"
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/Problem"
     },
     "404": {
      "$ref": "#/components/responses/Problem"
     }
    }
   }
  },
  "/session/oidc": {
   "post": {
    "summary": "End a login through an identity provider with the ID token its token endpoint gave the page: the state must be a login this browser began (its rampart_login cookie) and not yet ended, less than 10 minutes ago, and the token's nonce the login's; the answer is a session as for a password login",
    "operationId": "endProviderLogin",
    "security": [],
    "requestBody": {
     "required": true,
     "content": {
      "application/json": {
       "schema": {
        "$ref": "#/components/schemas/ProviderLogin"
       }
      }
     }
    },
    "responses": {
     "200": {
      "description": "The session",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Session"
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/Problem"
     },
     "401": {
      "$ref": "#/components/responses/Problem"
     }
    }
   }
  }
 },
 "components": {
  "securitySchemes": {
   "bearer": {
    "type": "http",
    "scheme": "bearer",
    "bearerFormat": "JWT"
   },
   "basic": {
    "type": "http",
    "scheme": "basic"
   }
  },
  "responses": {
   "Problem": {
    "description": "A problem (RFC 9457)",
    "content": {
     "application/problem+json": {
      "schema": {
       "$ref": "#/components/schemas/Problem"
      }
     }
    }
   }
  },
  "schemas": {
   "Problem": {
    "type": "object",
    "required": [
     "status",
     "title",
     "detail"
    ],
    "properties": {
     "type": {
      "type": "string"
     },
     "title": {
      "type": "string"
     },
     "status": {
      "type": "integer"
     },
     "detail": {
      "type": "string"
     }
    }
   },
   "User": {
    "type": "object",
    "required": [
     "name",
     "roles",
     "disabled",
     "secondFactor"
    ],
    "properties": {
     "name": {
      "type": "string"
     },
     "roles": {
      "$ref": "#/components/schemas/Roles"
     },
     "disabled": {
      "type": "boolean"
     },
     "personName": {
      "type": "string"
     },
     "secondFactor": {
      "type": "boolean"
     }
    }
   },
   "NewUser": {
    "type": "object",
    "required": [
     "name",
     "roles"
    ],
    "properties": {
     "name": {
      "$ref": "#/components/schemas/AccountName"
     },
     "roles": {
      "$ref": "#/components/schemas/Roles"
     },
     "personName": {
      "type": "string"
     }
    }
   },
   "UserChange": {
    "type": "object",
    "properties": {
     "roles": {
      "$ref": "#/components/schemas/Roles"
     },
     "disabled": {
      "type": "boolean"
     },
     "personName": {
      "type": "string"
     }
    }
   },
   "IssuedCredential": {
    "type": "object",
    "required": [
     "name",
     "secret",
     "note"
    ],
    "properties": {
     "name": {
      "type": "string"
     },
     "secret": {
      "type": "string"
     },
     "note": {
      "type": "string"
     }
    }
   },
   "Service": {
    "type": "object",
    "required": [
     "name",
     "roles",
     "revoked"
    ],
    "properties": {
     "name": {
      "type": "string"
     },
     "roles": {
      "$ref": "#/components/schemas/Roles"
     },
     "scope": {
      "type": "array",
      "items": {
       "type": "string"
      }
     },
     "revoked": {
      "type": "boolean"
     }
    }
   },
   "NewService": {
    "type": "object",
    "required": [
     "name",
     "roles"
    ],
    "properties": {
     "name": {
      "$ref": "#/components/schemas/AccountName"
     },
     "roles": {
      "$ref": "#/components/schemas/Roles"
     },
     "scope": {
      "type": "array",
      "items": {
       "type": "string"
      }
     }
    }
   },
   "ApplicationEntity": {
    "type": "object",
    "required": [
     "title",
     "host",
     "port",
     "roles",
     "legacyException"
    ],
    "properties": {
     "title": {
      "type": "string"
     },
     "host": {
      "type": "string"
     },
     "port": {
      "type": "integer"
     },
     "roles": {
      "$ref": "#/components/schemas/Roles"
     },
     "certificateSHA256": {
      "type": "string"
     },
     "legacyException": {
      "type": "boolean"
     }
    }
   },
   "ApplicationEntityChange": {
    "type": "object",
    "required": [
     "host",
     "port"
    ],
    "properties": {
     "host": {
      "type": "string"
     },
     "port": {
      "type": "integer",
      "minimum": 1,
      "maximum": 65535
     },
     "roles": {
      "$ref": "#/components/schemas/Roles"
     },
     "certificateSHA256": {
      "type": "string",
      "pattern": "^[0-9A-Fa-f]{64}$"
     }
    }
   },
   "ServerStatus": {
    "type": "object",
    "required": [
     "version",
     "archive",
     "users",
     "services",
     "applicationEntities",
     "legacyExceptions",
     "auditRecords"
    ],
    "properties": {
     "version": {
      "type": "string"
     },
     "archive": {
      "type": "object",
      "required": [
       "patients",
       "studies",
       "series",
       "instances"
      ],
      "properties": {
       "patients": {
        "type": "integer"
       },
       "studies": {
        "type": "integer"
       },
       "series": {
        "type": "integer"
       },
       "instances": {
        "type": "integer"
       }
      }
     },
     "users": {
      "type": "integer"
     },
     "services": {
      "type": "integer"
     },
     "applicationEntities": {
      "type": "integer"
     },
     "legacyExceptions": {
      "type": "array",
      "items": {
       "type": "string"
      }
     },
     "auditRecords": {
      "type": "integer"
     }
    }
   },
   "RecordedAuditEvent": {
    "type": "object",
    "required": [
     "sequence",
     "event"
    ],
    "properties": {
     "sequence": {
      "type": "integer"
     },
     "event": {
      "type": "object"
     }
    }
   },
   "AuditTimeline": {
    "type": "object",
    "required": [
     "bucket",
     "from",
     "to",
     "counts"
    ],
    "properties": {
     "bucket": {
      "type": "string",
      "enum": [
       "hour",
       "day"
      ]
     },
     "from": {
      "type": "string",
      "format": "date-time"
     },
     "to": {
      "type": "string",
      "format": "date-time"
     },
     "counts": {
      "type": "array",
      "items": {
       "type": "object",
       "required": [
        "start",
        "success",
        "denied",
        "failed"
       ],
       "properties": {
        "start": {
         "type": "string",
         "format": "date-time"
        },
        "success": {
         "type": "integer",
         "minimum": 0
        },
        "denied": {
         "type": "integer",
         "minimum": 0
        },
        "failed": {
         "type": "integer",
         "minimum": 0
        }
       }
      }
     }
    }
   },
   "AuditAnomaly": {
    "type": "object",
    "required": [
     "kind",
     "principal",
     "time",
     "detail"
    ],
    "properties": {
     "kind": {
      "type": "string",
      "enum": [
       "break-the-glass",
       "many-patients",
       "denials",
       "new-network",
       "new-device"
      ]
     },
     "principal": {
      "type": "string"
     },
     "time": {
      "type": "string",
      "format": "date-time"
     },
     "detail": {
      "type": "string"
     }
    }
   },
   "Policy": {
    "type": "object",
    "required": [
     "source",
     "timeZone",
     "emergencyPurpose",
     "roles"
    ],
    "properties": {
     "source": {
      "type": "string"
     },
     "timeZone": {
      "type": "string"
     },
     "emergencyPurpose": {
      "type": "string"
     },
     "yaml": {
      "type": "string",
      "description": "policy.yaml as written; absent when the built-in policy holds"
     },
     "roles": {
      "type": "array",
      "items": {
       "type": "object",
       "required": [
        "name",
        "actions",
        "view",
        "conditions",
        "studies",
        "accessGroups",
        "breakTheGlass"
       ],
       "properties": {
        "name": {
         "type": "string"
        },
        "actions": {
         "type": "array",
         "items": {
          "type": "string"
         }
        },
        "view": {
         "$ref": "#/components/schemas/View"
        },
        "conditions": {
         "type": "array",
         "items": {
          "type": "string"
         }
        },
        "studies": {
         "type": "array",
         "items": {
          "type": "string"
         }
        },
        "accessGroups": {
         "type": "array",
         "items": {
          "type": "string"
         }
        },
        "breakTheGlass": {
         "type": "boolean"
        }
       }
      }
     }
    }
   },
   "View": {
    "type": "object",
    "required": [
     "name",
     "removed",
     "replaced",
     "removesPrivateAttributes"
    ],
    "properties": {
     "name": {
      "type": "string"
     },
     "removed": {
      "type": "integer"
     },
     "replaced": {
      "type": "integer"
     },
     "removesPrivateAttributes": {
      "type": "boolean"
     }
    }
   },
   "PolicyQuestion": {
    "type": "object",
    "required": [
     "action"
    ],
    "description": "rampart policy check's options: exactly one of user, ae and service",
    "properties": {
     "user": {
      "type": "string"
     },
     "ae": {
      "type": "string"
     },
     "service": {
      "type": "string"
     },
     "roles": {
      "type": "array",
      "items": {
       "type": "string"
      }
     },
     "action": {
      "type": "string",
      "enum": [
       "associate",
       "store",
       "query",
       "retrieve",
       "delete",
       "administer",
       "audit"
      ]
     },
     "channel": {
      "type": "string",
      "enum": [
       "dimse",
       "dicomweb",
       "rest",
       "ui",
       "cli"
      ]
     },
     "from": {
      "type": "string",
      "description": "the peer's address"
     },
     "auth": {
      "type": "string",
      "enum": [
       "registered-ae",
       "password",
       "api-key",
       "token",
       "certificate",
       "mfa"
      ]
     },
     "purpose": {
      "type": "string"
     },
     "certificateSHA256": {
      "type": "string",
      "pattern": "^[0-9A-Fa-f]{64}$"
     },
     "at": {
      "type": "string",
      "format": "date-time"
     },
     "personName": {
      "type": "string"
     },
     "institution": {
      "type": "string"
     },
     "referringPhysician": {
      "type": "string"
     }
    }
   },
   "PolicyExplanation": {
    "type": "object",
    "required": [
     "allowed",
     "access",
     "reason",
     "roles",
     "brokeTheGlass",
     "notes",
     "policy",
     "at"
    ],
    "properties": {
     "allowed": {
      "type": "boolean"
     },
     "access": {
      "type": "string"
     },
     "reason": {
      "type": "string"
     },
     "roles": {
      "type": "array",
      "items": {
       "type": "object",
       "required": [
        "role",
        "allows",
        "why"
       ],
       "properties": {
        "role": {
         "type": "string"
        },
        "allows": {
         "type": "boolean"
        },
        "why": {
         "type": "string"
        }
       }
      }
     },
     "view": {
      "$ref": "#/components/schemas/View"
     },
     "studies": {
      "type": "string"
     },
     "brokeTheGlass": {
      "type": "boolean"
     },
     "notes": {
      "type": "array",
      "items": {
       "type": "string"
      }
     },
     "policy": {
      "type": "string"
     },
     "at": {
      "type": "string"
     }
    }
   },
   "Certificate": {
    "type": "object",
    "required": [
     "subject",
     "issuer",
     "subjectAlternativeNames",
     "notBefore",
     "notAfter",
     "daysLeft",
     "sha256"
    ],
    "properties": {
     "subject": {
      "type": "string"
     },
     "issuer": {
      "type": "string"
     },
     "subjectAlternativeNames": {
      "type": "array",
      "items": {
       "type": "string"
      }
     },
     "notBefore": {
      "type": "string",
      "format": "date-time"
     },
     "notAfter": {
      "type": "string",
      "format": "date-time"
     },
     "daysLeft": {
      "type": "integer"
     },
     "sha256": {
      "type": "string",
      "pattern": "^[0-9a-f]{64}$"
     }
    }
   },
   "ExposureReport": {
    "type": "object",
    "required": [
     "finished",
     "seconds",
     "endpoints",
     "findings"
    ],
    "properties": {
     "finished": {
      "type": "string"
     },
     "seconds": {
      "type": "number"
     },
     "endpoints": {
      "type": "array",
      "items": {
       "type": "string"
      }
     },
     "findings": {
      "type": "array",
      "items": {
       "type": "object",
       "required": [
        "id",
        "title",
        "severity",
        "target",
        "evidence",
        "fix"
       ],
       "properties": {
        "id": {
         "type": "string"
        },
        "title": {
         "type": "string"
        },
        "severity": {
         "type": "string",
         "enum": [
          "critical",
          "high",
          "medium",
          "low",
          "info"
         ]
        },
        "target": {
         "type": "string"
        },
        "evidence": {
         "type": "string"
        },
        "fix": {
         "type": "string"
        }
       }
      }
     }
    }
   },
   "CertificateReport": {
    "type": "object",
    "required": [
     "boundAEs",
     "warningDays"
    ],
    "properties": {
     "server": {
      "$ref": "#/components/schemas/Certificate"
     },
     "localCA": {
      "$ref": "#/components/schemas/Certificate"
     },
     "boundAEs": {
      "type": "array",
      "items": {
       "type": "object",
       "required": [
        "title",
        "certificateSHA256"
       ],
       "properties": {
        "title": {
         "type": "string"
        },
        "certificateSHA256": {
         "type": "string"
        }
       }
      }
     },
     "warningDays": {
      "type": "integer"
     }
    }
   },
   "Login": {
    "type": "object",
    "required": [
     "username",
     "password"
    ],
    "properties": {
     "username": {
      "type": "string"
     },
     "password": {
      "type": "string",
      "description": "followed by the one-time code when the user has a second factor"
     }
    }
   },
   "Session": {
    "type": "object",
    "required": [
     "user",
     "roles",
     "authentication"
    ],
    "properties": {
     "user": {
      "type": "string"
     },
     "roles": {
      "type": "array",
      "items": {
       "type": "string"
      }
     },
     "authentication": {
      "type": "string"
     },
     "csrfToken": {
      "type": "string",
      "description": "sent back in X-CSRF-Token with every change made with the session cookie"
     }
    }
   },
   "AccountName": {
    "type": "string",
    "pattern": "^[A-Za-z0-9._@-]{1,64}$"
   },
   "Roles": {
    "type": "array",
    "items": {
     "type": "string",
     "minLength": 1
    }
   },
   "LoginProvider": {
    "type": "object",
    "required": [
     "id",
     "displayName"
    ],
    "properties": {
     "id": {
      "type": "string"
     },
     "displayName": {
      "type": "string"
     }
    }
   },
   "ProviderLoginRequest": {
    "type": "object",
    "required": [
     "provider"
    ],
    "properties": {
     "provider": {
      "type": "string",
      "description": "a LoginProvider's id"
     }
    }
   },
   "ProviderLoginStart": {
    "type": "object",
    "required": [
     "authorizationEndpoint",
     "tokenEndpoint",
     "clientId",
     "scope",
     "state",
     "nonce"
    ],
    "properties": {
     "authorizationEndpoint": {
      "type": "string"
     },
     "tokenEndpoint": {
      "type": "string"
     },
     "clientId": {
      "type": "string"
     },
     "scope": {
      "type": "string"
     },
     "state": {
      "type": "string"
     },
     "nonce": {
      "type": "string"
     }
    }
   },
   "ProviderLogin": {
    "type": "object",
    "required": [
     "state",
     "idToken"
    ],
    "properties": {
     "state": {
      "type": "string"
     },
     "idToken": {
      "type": "string",
      "description": "the id_token of the token endpoint's answer"
     }
    }
   },
   "Setting": {
    "type": "object",
    "required": [
     "name",
     "value",
     "description",
     "source"
    ],
    "properties": {
     "name": {
      "type": "string",
      "description": "The key in rampart.yaml"
     },
     "value": {
      "oneOf": [
       {
        "type": "integer"
       },
       {
        "type": "boolean"
       }
      ]
     },
     "description": {
      "type": "string"
     },
     "minimum": {
      "type": "integer"
     },
     "maximum": {
      "type": "integer"
     },
     "source": {
      "type": "string",
      "enum": [
       "default",
       "rampart.yaml",
       "changed at run time"
      ]
     }
    }
   },
   "SettingChange": {
    "type": "object",
    "description": "Setting names (dicom.limits.max_associations, dicom.limits.max_associations_per_host, dicom.limits.associations_per_minute_per_host, http.requests_per_minute_per_host, query.case_insensitive_person_names) and their new values",
    "minProperties": 1,
    "additionalProperties": {
     "oneOf": [
      {
       "type": "integer"
      },
      {
       "type": "boolean"
      }
     ]
    }
   }
  }
 }
}
"""#
}
